package main

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/clvkit/clvkit/internal/quote"
)

// version is set at build time with -ldflags "-X main.version=..."; without
// it, the module version from the build info is used.
var version = ""

// clvVersion returns the clvkit version string recorded in manifests.
func clvVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

func versionCommand() command {
	return command{
		name:    "version",
		summary: "print the clv version",
		usage: `Usage: clv version

Prints the clvkit version, the Go version and the platform, for bug reports.`,
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			return func(_ context.Context, e *env, args []string) error {
				if len(args) > 0 {
					return fmt.Errorf("takes no arguments, got %s", quote.List(args))
				}
				fmt.Fprintf(e.stdout, "clv %s (%s, %s/%s)\n", clvVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
				return nil
			}
		},
	}
}
