package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/clvkit/clvkit/internal/quote"
)

func serveCommand() command {
	return command{
		name:    "serve",
		summary: "serve the calculator page (built into the binary) on a local address",
		usage: `Usage: clv serve [--addr HOST:PORT]

Serves the CLV calculator page: the heuristic formulas, charts, and scoring
of a CSV you drop on the page. Everything runs in the browser; the server
only sends the page's files and never receives your numbers or data.

The page is built into the binary by make web; a binary built without it
answers with a note saying to run make web.

Examples:
  clv serve                      # http://127.0.0.1:8080/
  clv serve --addr :9000         # every interface, port 9000`,
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (HOST:PORT)")
			return func(ctx context.Context, e *env, args []string) error {
				if len(args) > 0 {
					return fmt.Errorf("unexpected arguments %s", quote.List(args))
				}
				return serve(ctx, e, *addr, webHandler(embeddedPage()))
			}
		},
	}
}

// serve listens on addr and serves h until ctx is done.
func serve(ctx context.Context, e *env, addr string, h http.Handler) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("--addr %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(e.stderr, "serving the calculator on http://%s/ (Ctrl-C to stop)\n", ln.Addr())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
}
