package grpc_test

import (
	"io"
	"sync"
)

// syncWriter serializes writes: plugin logs arrive from more than one
// goroutine.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(b)
}
