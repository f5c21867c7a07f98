package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
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
only sends the page's files (index.html, scripts, styles, the WebAssembly
module) and never receives your numbers or data. Any other path, such as
README.md or a dotfile, is 404.

Browsers that accept gzip get the module and every text file compressed
(Vary: Accept-Encoding); every file carries a strong ETag (its SHA-256) and
Last-Modified (the page's build time), and a reload that sends them back
gets 304 Not Modified. The page's names carry no content hash, so they are
sent with Cache-Control: no-cache (kept, but checked on every use); a name
with its content hash (app.3f9a1c2b.js) is cached for a year as immutable.

The page is built into the binary by make web; a binary built without it
answers with a note saying to run make web.

Ctrl-C (or SIGTERM, SIGHUP) stops the server gracefully: requests under way
get up to 5 seconds to finish, then clv exits with code 0. Slow or idle
clients are cut off: 10 s to send the request headers, 30 s for the whole
request, 60 s to receive a response, 120 s idle between requests.

Examples:
  clv serve                      # http://127.0.0.1:8080/
  clv serve --addr :9000         # every interface, port 9000
  clv serve --addr 127.0.0.1:0   # any free port (printed on start)`,
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (HOST:PORT)")
			return func(ctx context.Context, e *env, args []string) error {
				if len(args) > 0 {
					return fmt.Errorf("unexpected arguments %s", quote.List(args))
				}
				ln, err := net.Listen("tcp", *addr)
				if err != nil {
					return fmt.Errorf("--addr %s: %w", *addr, err)
				}
				// A stop signal is the normal end of serving, not an
				// interruption: take the signals over from main's handler
				// (which exits 1 at once) so the server can shut down and
				// clv exit 0.
				signal.Reset(stopSignals()...)
				ctx, stop := signal.NotifyContext(ctx, stopSignals()...)
				defer stop()
				go func() {
					<-ctx.Done()
					stop() // a second Ctrl-C during shutdown kills at once
				}()
				return serve(ctx, e, ln, webHandler(embeddedPage()), defaultServeTimeouts())
			}
		},
	}
}

// stopSignals are the signals that end clv serve gracefully.
func stopSignals() []os.Signal { return []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP} }

// serveTimeouts bound how long clv serve waits for clients and for itself.
type serveTimeouts struct {
	ReadHeader time.Duration // to receive a request's headers
	Read       time.Duration // to receive a whole request
	Write      time.Duration // from the end of the request headers to the end of the response
	Idle       time.Duration // between requests on a kept-alive connection
	Shutdown   time.Duration // for requests under way when clv serve is stopped
}

// defaultServeTimeouts are clv serve's timeouts; the longest response is
// the WebAssembly module (a few MB), well within Write on any link the
// page is usable over.
func defaultServeTimeouts() serveTimeouts {
	return serveTimeouts{
		ReadHeader: 10 * time.Second,
		Read:       30 * time.Second,
		Write:      60 * time.Second,
		Idle:       120 * time.Second,
		Shutdown:   5 * time.Second,
	}
}

// newServer returns an HTTP server for h with the timeouts set.
func newServer(h http.Handler, t serveTimeouts) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: t.ReadHeader,
		ReadTimeout:       t.Read,
		WriteTimeout:      t.Write,
		IdleTimeout:       t.Idle,
	}
}

// serve serves h on ln until ctx is done, then shuts down gracefully:
// requests under way get t.Shutdown to finish before their connections are
// closed. Stopping is not an error.
func serve(ctx context.Context, e *env, ln net.Listener, h http.Handler, t serveTimeouts) error {
	srv := newServer(h, t)
	fmt.Fprintf(e.stderr, "serving the calculator on http://%s/ (Ctrl-C to stop)\n", ln.Addr())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), t.Shutdown)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		if !errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("shut down: %w", err)
		}
		srv.Close()
		fmt.Fprintf(e.stderr, "stopped; requests still under way after %v were cut off\n", t.Shutdown)
		return nil
	}
	fmt.Fprintln(e.stderr, "stopped")
	return nil
}
