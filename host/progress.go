package main

import (
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
)

// progress shows a progress bar on stderr for long reads, only when stderr
// is a terminal and --quiet is not set. A nil *progress does nothing.
type progress struct {
	w   io.Writer
	bar *progressbar.ProgressBar
}

func newProgress(e *env, quiet bool) *progress {
	if quiet || !e.isTerminal {
		return nil
	}
	return &progress{w: e.stderr}
}

func (p *progress) start(size int64, what string) {
	if p == nil {
		return
	}
	p.bar = progressbar.NewOptions64(size,
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowBytes(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
}

func (p *progress) add(n int) {
	if p == nil || p.bar == nil {
		return
	}
	p.bar.Add(n)
}

func (p *progress) finish() {
	if p == nil || p.bar == nil {
		return
	}
	p.bar.Finish()
	p.bar = nil
}
