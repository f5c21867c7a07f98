//go:build unix

package grpc_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/clvkit/clvkit/plugins"
	"github.com/clvkit/clvkit/plugins/grpc"
)

// gone reports whether process pid has ended: no such process, or a
// zombie waiting for a parent that does not reap it (as in a container
// whose init does not reap).
func gone(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return true
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return errors.Is(err, os.ErrNotExist) && isLinux()
	}
	// The state follows the command name in parentheses.
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	return len(fields) > 0 && fields[0] == "Z"
}

func isLinux() bool {
	_, err := os.Stat("/proc/self/stat")
	return err == nil
}

// waitGone waits up to d for process pid to end.
func waitGone(t *testing.T, pid int, d time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(d); !gone(pid); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("plugin process %d still runs %v later", pid, d)
		}
	}
}

// TestNoProcessLeftBehind checks by PID that the plugin process is gone
// when Close, a crash or a timeout returns.
func TestNoProcessLeftBehind(t *testing.T) {
	ctx := context.Background()
	in := [][]float64{{1, 2, 3}}
	out := [][]float64{make([]float64, 3)}
	tests := []struct {
		name   string
		plugin string
		run    func(p *grpc.Plugin) error
	}{
		{"close", "contribution", func(p *grpc.Plugin) error { return p.Close() }},
		{"crash", "crash", func(p *grpc.Plugin) error {
			p.Compute(ctx, in, out)
			if err := p.Compute(ctx, in, out); err == nil {
				return errors.New("no crash")
			}
			return nil
		}},
		{"timeout", "hang", func(p *grpc.Plugin) error {
			if err := p.Compute(ctx, in, out); err == nil {
				return errors.New("no timeout")
			}
			return nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The timeout also bounds the plugin's start: 2 s leaves room
			// for a loaded machine.
			p := load(t, tt.plugin, grpc.Config{Timeout: 2 * time.Second})
			pid := p.PID()
			if gone(pid) {
				t.Fatalf("plugin process %d not running after Load", pid)
			}
			p.Configure(ctx, nil)
			if err := tt.run(p); err != nil {
				t.Fatal(err)
			}
			// Close and the failed call reap the process before they
			// return: no grace period.
			if !gone(pid) {
				t.Errorf("plugin process %d still runs", pid)
			}
		})
	}
}

// TestKilledHostLeavesNoPlugin runs this test binary as a host that loads
// a plugin and prints its PID, kills the host with SIGKILL (no deferred
// Close runs), and checks that the plugin ends within 3 s: Pdeathsig on
// Linux, the plugin's parent watchdog elsewhere. The "watchdog" case
// starts the plugin without Load, so without Pdeathsig, to check the
// watchdog alone (it polls every 500 ms).
func TestKilledHostLeavesNoPlugin(t *testing.T) {
	for _, tt := range []struct{ name, env string }{
		{"contribution", bin("contribution")},
		{"hang", bin("hang")},
		{"watchdog", "raw:" + bin("contribution")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			host := exec.Command(os.Args[0], "-test.run=^$")
			host.Env = append(os.Environ(), hostEnv+"="+tt.env)
			host.Stderr = os.Stderr
			stdout, err := host.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := host.Start(); err != nil {
				t.Fatal(err)
			}
			defer host.Wait()
			line, err := bufio.NewReader(stdout).ReadString('\n')
			if err != nil {
				host.Process.Kill()
				t.Fatalf("reading the plugin PID from the host: %v", err)
			}
			pid, err := strconv.Atoi(strings.TrimSpace(line))
			if err != nil || gone(pid) {
				host.Process.Kill()
				t.Fatalf("host printed %q: not a running plugin PID", line)
			}
			if err := host.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			waitGone(t, pid, 3*time.Second)
			t.Logf("plugin %d gone %v after the host's SIGKILL", pid, time.Since(start).Round(time.Millisecond))
		})
	}
}

// TestCancelledContextStopsPlugin: the host is interrupted mid-call (its
// context cancelled): the call returns at once and the plugin is stopped.
func TestCancelledContextStopsPlugin(t *testing.T) {
	p := load(t, "hang", grpc.Config{Timeout: time.Minute})
	pid := p.PID()
	p.Configure(context.Background(), nil)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	err := p.Compute(ctx, [][]float64{{1}}, [][]float64{{0}})
	if err == nil || !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "plugin hang: batch 1:") {
		t.Errorf("err = %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("cancelled call returned after %v", d)
	}
	if !gone(pid) {
		t.Errorf("plugin process %d still runs", pid)
	}
	// Later calls fail at once.
	if err := p.Compute(context.Background(), [][]float64{{1}}, [][]float64{{0}}); err == nil || !strings.Contains(err.Error(), "stopped after an earlier failure") {
		t.Errorf("call after stop: %v", err)
	}
	var _ plugins.Client = p
}
