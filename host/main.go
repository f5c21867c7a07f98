// Command clv scores customers' lifetime value from a transaction log,
// reproducibly, as configured by a TOML file. Run `clv help` for the
// commands; every command has --help with examples.
//
// Exit codes: 0 success, 1 a user error (bad config, input or flags; the
// message names the file, line and field), 2 an internal error or clv run
// without a command (the usage is printed on stderr).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"sort"
	"strings"
	"syscall"

	"github.com/clvkit/clvkit/host/internal/atomicfile"
	"github.com/clvkit/clvkit/internal/quote"
)

// Exit codes.
const (
	exitOK       = 0
	exitUser     = 1
	exitInternal = 2
	// exitUsage is for clv run without a command, as shells and Go's flag
	// package use 2 for a usage error.
	exitUsage = 2
)

// env is what a command runs with: its streams and the set of output files
// still being written, removed if the run is interrupted.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	files  *atomicfile.Set
	// isTerminal reports whether stderr is a terminal (progress bars).
	isTerminal bool
	// cacheWarned records that a warning about the WebAssembly
	// compilation cache was printed: one per run, however many plugins.
	cacheWarned bool
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	usage   string // the --help text after the first line: flags are appended
	flags   func(fs *flag.FlagSet) func(ctx context.Context, e *env, args []string) error
}

func commands() []command {
	return []command{
		initCommand(),
		summarizeCommand(),
		sqlCommand(),
		cohortsCommand(),
		fitCommand(),
		scoreCommand(),
		groupsCommand(),
		compareCommand(),
		reportCommand(),
		verifyCommand(),
		formulasCommand(),
		evalCommand(),
		segmentsCommand(),
		validateCommand(),
		serveCommand(),
		pluginsCommand(),
		versionCommand(),
	}
}

func main() {
	files := atomicfile.NewSet()
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		s := <-sigs
		// Interrupted (Ctrl-C, kill, or the terminal closed): stop, remove
		// half-written outputs and output locks, and leave at once, even if
		// the command is blocked reading its input.
		cancel()
		files.Cleanup()
		fmt.Fprintf(os.Stderr, "clv: %v: stopped; no output file was written\n", s)
		os.Exit(exitUser)
	}()
	e := &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, files: files, isTerminal: isTerminal(os.Stderr)}
	code := run(ctx, e, os.Args[1:])
	if ctx.Err() != nil {
		// Only the signal handler cancels ctx: it is removing the outputs
		// and will report and exit; exiting here first would race it.
		select {}
	}
	files.Cleanup()
	os.Exit(code)
}

// isTerminal reports whether f is a character device (a terminal).
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// run executes one command line and returns the exit code. It never panics
// for a user's mistake; a panic is a bug and gives exit code 2.
func run(ctx context.Context, e *env, args []string) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(e.stderr, "clv: internal error: %v\nThis is a bug in clv; please report it with the command you ran.\n", r)
			if os.Getenv("CLV_DEBUG") != "" {
				e.stderr.Write(debug.Stack())
			}
			code = exitInternal
		}
	}()
	if len(args) == 0 {
		// No command: the usage, as an error (a script that forgot its
		// command must not pass).
		usage(e.stderr)
		return exitUsage
	}
	if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			return run(ctx, e, []string{args[1], "--help"})
		}
		usage(e.stdout)
		return exitOK
	}
	if args[0] == "--version" {
		args = []string{"version"}
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		fs := flag.NewFlagSet("clv "+c.name, flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		runFn := c.flags(fs)
		err := fs.Parse(interleave(fs, args[1:]))
		if errors.Is(err, flag.ErrHelp) {
			commandHelp(e.stdout, c, fs)
			return exitOK
		}
		if err != nil {
			fmt.Fprintf(e.stderr, "clv %s: %v\nRun 'clv %s --help' for usage.\n", c.name, err, c.name)
			return exitUser
		}
		if err := runFn(ctx, e, fs.Args()); err != nil {
			var ie *internalError
			if errors.As(err, &ie) {
				fmt.Fprintf(e.stderr, "clv %s: internal error: %v\n", c.name, err)
				return exitInternal
			}
			if ctx.Err() != nil {
				fmt.Fprintf(e.stderr, "clv %s: interrupted; no output was written\n", c.name)
				return exitUser
			}
			fmt.Fprintf(e.stderr, "clv %s: %v\n", c.name, err)
			return exitUser
		}
		return exitOK
	}
	fmt.Fprintf(e.stderr, "clv: unknown command %s\nRun 'clv help' for the list of commands.\n", quote.Value(args[0]))
	return exitUser
}

// internalError marks an error that is clv's fault, not the user's.
type internalError struct{ err error }

func (e *internalError) Error() string { return e.err.Error() }
func (e *internalError) Unwrap() error { return e.err }

// interleave lets flags follow positional arguments (clv eval NAME k=v
// --json): Go's flag package stops at the first non-flag, so positional
// arguments are moved after the flags.
func interleave(fs *flag.FlagSet, args []string) []string {
	var flags, positional []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			positional = append(positional, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			positional = append(positional, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		if f := fs.Lookup(name); f != nil {
			if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
				continue
			}
			if i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
		}
	}
	return append(flags, positional...)
}

func usage(w io.Writer) {
	fmt.Fprint(w, `clv scores customer lifetime value (CLV) from a transaction log.

Usage:
  clv <command> [flags]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Start with:
  clv init                      # write a commented clv.toml
  clv score                     # score every customer (reads ./clv.toml)

Run 'clv <command> --help' for a command's flags and examples.
Exit codes: 0 ok, 1 a problem with your config, data or flags, 2 a bug in
clv (or no command given: clv alone prints this and exits 2).
`)
}

func commandHelp(w io.Writer, c command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "clv %s: %s\n\n%s\n", c.name, c.summary, strings.TrimSpace(c.usage))
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	if len(names) == 0 {
		return
	}
	sort.Strings(names)
	fmt.Fprint(w, "\nFlags:\n")
	for _, n := range names {
		f := fs.Lookup(n)
		kind, text := flag.UnquoteUsage(f)
		head := "  --" + n
		if kind != "" {
			head += " " + kind
		}
		fmt.Fprintf(w, "%s\n      %s", head, text)
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			fmt.Fprintf(w, " (default %s)", f.DefValue)
		}
		fmt.Fprintln(w)
	}
}
