package grpc

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/clvkit/clvkit/plugins"
	"github.com/clvkit/clvkit/plugins/grpc/internal/pluginpb"
	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
	ggrpc "google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// DefaultTimeout bounds each call (and the start and handshake) when
// Config.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// chunkBytes is the size the default chunk of a batch stays under: the
// larger of its input and output columns, 8 bytes a value.
const chunkBytes = 1 << 20

// Config is how the host loads one plugin: the fields of its table in
// clv.toml plus where its logs go.
type Config struct {
	// SHA256 is the hex sha256 of the plugin file (required). Load refuses
	// a file with another checksum.
	SHA256 string
	// Timeout bounds each call, the start and handshake included; a call
	// that takes longer kills the plugin. Zero means DefaultTimeout.
	Timeout time.Duration
	// Stderr receives the plugin's logs: its stderr, and its stdout after
	// the handshake. Nil discards them (the end of stderr still appears in
	// errors about a crash).
	Stderr io.Writer
	// ChunkRows is the number of rows per message. Zero means as many as
	// fit in 1 MiB for the plugin's widest side (65536 for two columns).
	ChunkRows int
	// Name names the plugin in errors; empty means the file's base name.
	Name string
	// Kind, if set, is the kind the host will use the plugin as: Load
	// refuses a plugin that describes itself as the other kind.
	Kind plugins.Kind
}

// Plugin is a loaded plugin process. It implements plugins.Client; like
// every plugins.Client, its calls are not safe for concurrent use.
type Plugin struct {
	name      string
	timeout   time.Duration
	chunkRows int
	client    *goplugin.Client
	cmd       *exec.Cmd
	rpc       pluginpb.PluginClient
	conn      *ggrpc.ClientConn
	sendBufs  [inFlight][]byte // the buffers chunks are encoded into, reused
	desc      plugins.Description
	stderr    *tailWriter
	batch     int
	broken    error // set when a call killed the plugin
	closeOnce sync.Once
}

var _ plugins.Client = (*Plugin)(nil)

// Load starts the plugin at path and returns it described: the checksum
// checked, the protocol version agreed, mutual TLS set up and the
// description validated. The caller must Close it.
//
// A relative path is a file relative to the working directory, like every
// other path: it is made absolute before it is run, so "plugin" is never
// looked up in $PATH (where exec.Command would find a program of that
// name).
func Load(ctx context.Context, path string, cfg Config) (*Plugin, error) {
	name := cfg.Name
	if name == "" {
		name = filepath.Base(path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("plugin %s: %w", name, err)
	}
	path = abs
	want, err := hex.DecodeString(cfg.SHA256)
	if err != nil || len(want) != sha256.Size {
		return nil, fmt.Errorf("plugin %s: sha256 %q: want 64 hex digits (the output of sha256sum %s)", name, cfg.SHA256, path)
	}
	if fi, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("plugin %s: %w", name, err)
	} else if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("plugin %s: %s is not a regular file", name, path)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("plugin %s: %w", name, err)
	}
	p := &Plugin{name: name, timeout: cfg.Timeout, chunkRows: cfg.ChunkRows, stderr: newTailWriter(cfg.Stderr, 2048)}
	if p.timeout <= 0 {
		p.timeout = DefaultTimeout
	}
	startTimeout := p.timeout
	if d, ok := ctx.Deadline(); ok && time.Until(d) < startTimeout {
		startTimeout = max(time.Until(d), time.Millisecond)
	}

	p.cmd = exec.Command(path)
	tieToParent(p.cmd)
	p.client = goplugin.NewClient(&goplugin.ClientConfig{
		HandshakeConfig:  handshake(),
		VersionedPlugins: pluginSets(nil),
		Cmd:              p.cmd,
		SecureConfig:     &goplugin.SecureConfig{Checksum: want, Hash: sha256.New()},
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		AutoMTLS:         true,
		StartTimeout:     startTimeout,
		Stderr:           p.stderr,
		SyncStdout:       p.stderr,
		SyncStderr:       p.stderr,
		Logger:           hclog.New(&hclog.LoggerOptions{Level: hclog.Off, Output: io.Discard}),
		GRPCDialOptions: []ggrpc.DialOption{
			ggrpc.WithInitialWindowSize(windowBytes),
			ggrpc.WithInitialConnWindowSize(windowBytes),
			ggrpc.WithWriteBufferSize(ioBufferBytes),
			ggrpc.WithReadBufferSize(ioBufferBytes),
		},
	})
	goClient, err := p.client.Client()
	if err != nil {
		p.client.Kill()
		return nil, p.startError(path, cfg.SHA256, err)
	}
	raw, err := goClient.Dispense(PluginName)
	if err != nil {
		p.client.Kill()
		return nil, fmt.Errorf("plugin %s: %w", name, err)
	}
	rc := raw.(*rpcClient)
	p.rpc, p.conn = rc.PluginClient, rc.conn
	if err := p.describe(ctx); err != nil {
		p.Close()
		return nil, err
	}
	if cfg.Kind != "" && cfg.Kind != p.desc.Kind {
		p.Close()
		return nil, fmt.Errorf("plugin %s is a %s plugin, configured as a %s", name, p.desc.Kind, cfg.Kind)
	}
	if p.chunkRows <= 0 {
		p.chunkRows = max(1, chunkBytes/(8*max(len(p.desc.Inputs), len(p.desc.Outputs), 1)))
	}
	return p, nil
}

var pluginVersionRE = regexp.MustCompile(`Plugin version: (\d+)`)

// startError turns go-plugin's start errors into messages that name the
// plugin and say what to do.
func (p *Plugin) startError(path, want string, err error) error {
	msg := err.Error()
	switch {
	case errors.Is(err, goplugin.ErrChecksumsDoNotMatch):
		have := "(unreadable)"
		if sum, err := fileSHA256(path); err == nil {
			have = sum
		}
		return fmt.Errorf("plugin %s: checksum mismatch: config says %s, file has %s", p.name, strings.ToLower(want), have)
	case strings.Contains(msg, "incompatible API version"):
		v := "another"
		if m := pluginVersionRE.FindStringSubmatch(msg); m != nil {
			v = m[1]
		}
		return fmt.Errorf("plugin %s speaks plugin protocol version %s, this clv speaks version %d: rebuild the plugin against a clvkit whose plugins.ProtocolVersion is %d",
			p.name, v, plugins.ProtocolVersion, plugins.ProtocolVersion)
	case strings.Contains(msg, "Unrecognized remote plugin message"):
		line, _, _ := strings.Cut(strings.TrimPrefix(msg, "Unrecognized remote plugin message: "), "\n")
		return fmt.Errorf("plugin %s: handshake failed: its first line on stdout was %q, not go-plugin's handshake line: a plugin must not write to stdout before it serves (log to stderr)%s",
			p.name, line, p.stderrTail())
	case strings.Contains(msg, "timeout while waiting for plugin to start"):
		return fmt.Errorf("plugin %s: no handshake within %v: is it a clv plugin (its main must call grpc.ServeFormula or grpc.ServeSegmentation)?%s", p.name, p.timeout, p.stderrTail())
	case strings.Contains(msg, "plugin exited before we could connect"):
		return fmt.Errorf("plugin %s: exited before the handshake%s%s", p.name, p.exitStatus(), p.stderrTail())
	}
	return fmt.Errorf("plugin %s: start: %w%s", p.name, err, p.stderrTail())
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Description returns what the plugin said about itself when it was loaded.
func (p *Plugin) Description() plugins.Description { return p.desc }

// PID returns the plugin process's id, for logs and diagnostics.
func (p *Plugin) PID() int { return p.cmd.Process.Pid }

func (p *Plugin) describe(ctx context.Context) error {
	var resp *pluginpb.DescribeResponse
	err := p.call(ctx, "describe", func(ctx context.Context) (err error) {
		resp, err = p.rpc.Describe(ctx, &pluginpb.DescribeRequest{})
		return err
	})
	if err != nil {
		return err
	}
	var d plugins.Description
	if err := json.Unmarshal(resp.DescriptionJson, &d); err != nil {
		return fmt.Errorf("plugin %s: describe: %w", p.name, err)
	}
	if err := d.Validate(); err != nil {
		return fmt.Errorf("plugin %s: describe: %w", p.name, err)
	}
	p.desc = d
	return nil
}

// Describe returns the plugin's description, asked again of the process.
func (p *Plugin) Describe(ctx context.Context) (plugins.Description, error) {
	if err := p.describe(ctx); err != nil {
		return plugins.Description{}, err
	}
	return p.desc, nil
}

// Configure passes the parameters, after filling in defaults and checking
// names and bounds against the description.
func (p *Plugin) Configure(ctx context.Context, given plugins.Params) error {
	params, err := p.desc.Resolve(given)
	if err != nil {
		return err
	}
	js, err := json.Marshal(params)
	if err != nil {
		return fmt.Errorf("plugin %s: configure: %w", p.name, err)
	}
	return p.call(ctx, "configure", func(ctx context.Context) error {
		_, err := p.rpc.Configure(ctx, &pluginpb.ConfigureRequest{ParamsJson: js})
		return err
	})
}

// checkIn checks the shape of a batch the host passes.
func (p *Plugin) checkIn(want plugins.Kind, in [][]float64) (rows int, err error) {
	if p.desc.Kind != want {
		return 0, fmt.Errorf("plugin %s is a %s plugin, used as a %s", p.name, p.desc.Kind, want)
	}
	if len(in) != len(p.desc.Inputs) {
		return 0, fmt.Errorf("plugin %s: batch %d: %d input columns, the plugin declares %d", p.name, p.batch, len(in), len(p.desc.Inputs))
	}
	rows = len(in[0])
	for j, c := range in {
		if len(c) != rows {
			return 0, fmt.Errorf("plugin %s: batch %d: input %s has %d rows, %s has %d", p.name, p.batch, p.desc.Inputs[j], len(c), p.desc.Inputs[0], rows)
		}
	}
	return rows, nil
}

// callCodec is the codec of Compute and Segment calls (see columnCodec).
var callCodec = ggrpc.ForceCodecV2(columnCodec{})

// Compute runs a formula plugin on one batch: in and out are in the order
// of the declared Inputs and Outputs, every out column as long as the
// inputs. The answer is checked with plugins.CheckBatch.
func (p *Plugin) Compute(ctx context.Context, in, out [][]float64) error {
	p.batch++
	rows, err := p.checkIn(plugins.KindFormula, in)
	if err != nil {
		return err
	}
	if len(out) != len(p.desc.Outputs) {
		return fmt.Errorf("plugin %s: batch %d: %d output columns, the plugin declares %d", p.name, p.batch, len(out), len(p.desc.Outputs))
	}
	for j, c := range out {
		if len(c) != rows {
			return fmt.Errorf("plugin %s: batch %d: output %s has room for %d rows, the batch has %d", p.name, p.batch, p.desc.Outputs[j], len(c), rows)
		}
	}
	err = p.call(ctx, fmt.Sprintf("batch %d", p.batch), func(ctx context.Context) error {
		return p.chunks(ctx, rows, func(ctx context.Context, lo, hi int, buf *[]byte) error {
			req := &chunkRequest{in: in, lo: lo, hi: hi, buf: buf}
			resp := &chunkResponse{out: out, lo: lo, hi: hi, rows: make([]int, 0, len(out))}
			if err := p.conn.Invoke(ctx, pluginpb.Plugin_Compute_FullMethodName, req, resp, callCodec); err != nil {
				return err
			}
			if resp.cols != len(out) {
				return fmt.Errorf("returned %d columns, declared %d", resp.cols, len(out))
			}
			for j, n := range resp.rows {
				if n != hi-lo {
					return fmt.Errorf("column %s: returned %d rows for rows %d to %d of the batch (%d rows)", p.desc.Outputs[j], n, lo+1, hi, hi-lo)
				}
			}
			return nil
		})
	})
	if err != nil {
		return err
	}
	if err := plugins.CheckBatch(p.desc, rows, out, nil); err != nil {
		return fmt.Errorf("plugin %s: batch %d: %w", p.name, p.batch, err)
	}
	return nil
}

// Segment runs a segmentation plugin on one batch; out gets one label index
// per row. The answer is checked with plugins.CheckBatch.
func (p *Plugin) Segment(ctx context.Context, in [][]float64, out []int32) error {
	p.batch++
	rows, err := p.checkIn(plugins.KindSegmentation, in)
	if err != nil {
		return err
	}
	if len(out) != rows {
		return fmt.Errorf("plugin %s: batch %d: room for %d labels, the batch has %d rows", p.name, p.batch, len(out), rows)
	}
	err = p.call(ctx, fmt.Sprintf("batch %d", p.batch), func(ctx context.Context) error {
		return p.chunks(ctx, rows, func(ctx context.Context, lo, hi int, buf *[]byte) error {
			req := &chunkRequest{in: in, lo: lo, hi: hi, buf: buf}
			resp := &pluginpb.SegmentResponse{}
			if err := p.conn.Invoke(ctx, pluginpb.Plugin_Segment_FullMethodName, req, resp, callCodec); err != nil {
				return err
			}
			if len(resp.Labels) != hi-lo {
				return fmt.Errorf("returned %d labels for rows %d to %d of the batch (%d rows)", len(resp.Labels), lo+1, hi, hi-lo)
			}
			copy(out[lo:hi], resp.Labels)
			return nil
		})
	})
	if err != nil {
		return err
	}
	if err := plugins.CheckBatch(p.desc, rows, nil, out); err != nil {
		return fmt.Errorf("plugin %s: batch %d: %w", p.name, p.batch, err)
	}
	return nil
}

// inFlight is how many chunks of a batch are sent before the answer to
// the first has come: the host encodes and decodes one chunk while the
// plugin computes another.
const inFlight = 2

// chunks cuts rows into chunks of p.chunkRows rows and calls send for each,
// with up to inFlight calls at a time, each with its own buffer to encode
// its request into. It returns the first error in time (the others may be
// the cancellations it causes), or ctx's error if ctx ended between calls.
func (p *Plugin) chunks(ctx context.Context, rows int, send func(ctx context.Context, lo, hi int, buf *[]byte) error) error {
	if rows <= p.chunkRows {
		err := send(ctx, 0, rows, &p.sendBufs[0])
		if err != nil {
			// gRPC may still hold the request: do not reuse its buffer.
			p.sendBufs[0] = nil
		}
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	free := make(chan *[]byte, inFlight)
	for i := range p.sendBufs {
		free <- &p.sendBufs[i]
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	lo := 0
	for ; lo < rows; lo += p.chunkRows {
		var buf *[]byte
		select {
		case buf = <-free:
		case <-ctx.Done():
		}
		if buf == nil {
			break
		}
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			if err := send(ctx, lo, hi, buf); err != nil {
				*buf = nil
				mu.Lock()
				if firstErr == nil {
					firstErr = err
					cancel()
				}
				mu.Unlock()
			}
			free <- buf
		}(lo, min(lo+p.chunkRows, rows))
	}
	wg.Wait()
	if firstErr == nil && lo < rows {
		return ctx.Err()
	}
	return firstErr
}

// call runs one call under the timeout and turns its failure into an error
// naming the plugin and what was called. A timeout, a cancelled context
// or a dead process kill the plugin; later calls fail at once.
func (p *Plugin) call(ctx context.Context, what string, fn func(context.Context) error) error {
	if p.broken != nil {
		return fmt.Errorf("plugin %s: %s: not called, the plugin was stopped after an earlier failure (%v)", p.name, what, p.broken)
	}
	cctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	err := fn(cctx)
	if err == nil {
		return nil
	}
	switch {
	case ctx.Err() != nil:
		p.stop()
		err = fmt.Errorf("plugin %s: %s: %w (the plugin was stopped)", p.name, what, ctx.Err())
	case errors.Is(cctx.Err(), context.DeadlineExceeded) || status.Code(err) == codes.DeadlineExceeded:
		// The plugin's side of the stream sees the same deadline (gRPC
		// sends it along) and may report it before this side's timer
		// fires: either way the call timed out and the plugin is stopped.
		p.stop()
		err = fmt.Errorf("plugin %s: %s: timed out after %v (the plugin was stopped)", p.name, what, p.timeout)
	case p.exited(status.Code(err) == codes.Unavailable):
		err = fmt.Errorf("plugin %s: %s: the plugin process exited during the call%s%s", p.name, what, p.exitStatus(), p.stderrTail())
		p.stop()
	default:
		if s, ok := status.FromError(err); ok {
			return fmt.Errorf("plugin %s: %s: %s", p.name, what, s.Message())
		}
		return fmt.Errorf("plugin %s: %s: %w", p.name, what, err)
	}
	p.broken = err
	return err
}

// exited reports whether the process has exited. If wait (the connection
// broke), it waits up to a second for go-plugin to notice the exit: the
// failed call can arrive before the exit does.
func (p *Plugin) exited(wait bool) bool {
	deadline := time.Now()
	if wait {
		deadline = deadline.Add(time.Second)
	}
	for ; ; time.Sleep(10 * time.Millisecond) {
		if p.client.Exited() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}

// exitStatus describes how the process ended, once it has.
func (p *Plugin) exitStatus() string {
	if !p.client.Exited() || p.cmd.ProcessState == nil {
		return ""
	}
	return " (" + p.cmd.ProcessState.String() + ")"
}

func (p *Plugin) stderrTail() string {
	t := strings.TrimSpace(p.stderr.Tail())
	if t == "" {
		return ""
	}
	return "; the end of its stderr:\n" + t
}

// stop kills the process at once (no graceful shutdown: it may be hung)
// and releases go-plugin's resources.
func (p *Plugin) stop() {
	if p.cmd.Process != nil {
		_ = p.cmd.Process.Kill()
	}
	p.closeOnce.Do(p.client.Kill)
}

// Close ends the plugin process (asking it to shut down, killing it after
// two seconds) and waits for it to exit. It can be called more than once.
func (p *Plugin) Close() error {
	p.closeOnce.Do(p.client.Kill)
	return nil
}

// tailWriter passes writes on to w (if any) and keeps the last n bytes for
// error messages.
type tailWriter struct {
	mu  sync.Mutex
	w   io.Writer
	n   int
	buf []byte
}

func newTailWriter(w io.Writer, n int) *tailWriter { return &tailWriter{w: w, n: n} }

func (t *tailWriter) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if len(t.buf) > t.n {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.n:]...)
	}
	if t.w != nil {
		t.w.Write(b)
	}
	return len(b), nil
}

// Tail returns the last bytes written, from the start of a line.
func (t *tailWriter) Tail() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.buf
	if len(b) == t.n {
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[i+1:]
		}
	}
	return string(b)
}
