package grpc

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime/debug"
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

// ServeFormula serves a formula plugin to the clv host that started this
// process. Call it from main; it returns when the host closes the plugin.
//
// Write logs to stderr. Anything the plugin writes to stdout before
// ServeFormula breaks the handshake (the host reads its first line);
// from then on ServeFormula points os.Stdout at stderr, which the host
// passes to its plugin log (Config.Stderr). Run by hand, the program says it is a
// plugin and exits with status 1.
func ServeFormula(f plugins.Formula) {
	serve(&server{formula: f}, func() plugins.Description { return f.Describe() })
}

// ServeSegmentation serves a segmentation plugin, as ServeFormula does a
// formula plugin.
func ServeSegmentation(s plugins.Segmentation) {
	serve(&server{segmentation: s}, func() plugins.Description { return s.Describe() })
}

// parentPollInterval is how often a plugin checks that its host still runs.
const parentPollInterval = 500 * time.Millisecond

func serve(s *server, describe func() plugins.Description) {
	// Plugin code run before the handshake writes to stderr: a line on
	// stdout would be taken for the handshake.
	stdout := os.Stdout
	os.Stdout = os.Stderr
	s.desc = describe()
	os.Stdout = stdout
	if err := s.desc.Validate(); err != nil {
		fmt.Fprintf(os.Stderr, "clv plugin: %v\n", err)
		os.Exit(1)
	}
	if (s.formula != nil) != (s.desc.Kind == plugins.KindFormula) {
		fmt.Fprintf(os.Stderr, "clv plugin %s: describes itself as a %s plugin but is served as the other kind\n", s.desc.Name, s.desc.Kind)
		os.Exit(1)
	}
	var err error
	if s.descJSON, err = json.Marshal(s.desc); err != nil {
		fmt.Fprintf(os.Stderr, "clv plugin %s: %v\n", s.desc.Name, err)
		os.Exit(1)
	}
	s.stderr = os.Stderr
	s.served = true
	go watchParent(os.Getppid(), parentPollInterval)
	goplugin.Serve(&goplugin.ServeConfig{
		HandshakeConfig:  handshake(),
		VersionedPlugins: pluginSets(s),
		GRPCServer: func(opts []ggrpc.ServerOption) *ggrpc.Server {
			return ggrpc.NewServer(append(opts,
				ggrpc.MaxRecvMsgSize(maxMessageBytes),
				ggrpc.MaxSendMsgSize(maxMessageBytes),
				ggrpc.InitialWindowSize(windowBytes),
				ggrpc.InitialConnWindowSize(windowBytes),
				ggrpc.WriteBufferSize(ioBufferBytes),
				ggrpc.ReadBufferSize(ioBufferBytes),
				ggrpc.ForceServerCodecV2(columnCodec{}),
			)...)
		},
		Logger: hclog.New(&hclog.LoggerOptions{Name: s.desc.Name, Level: hclog.Warn, Output: os.Stderr}),
	})
}

// watchParent ends the process when its parent changes: the host died and
// the process was re-parented. It is the portable half of "no plugin
// outlives its host" (the host also sets Pdeathsig on Linux).
func watchParent(ppid int, every time.Duration) {
	for range time.Tick(every) {
		if os.Getppid() != ppid {
			fmt.Fprintln(os.Stderr, "clv plugin: the host process is gone; exiting")
			os.Exit(1)
		}
	}
}

// server is the plugin side of the service: it decodes requests, calls the
// plugin and encodes its answers. Calls are serialized: plugins.Formula and
// plugins.Segmentation need not be safe for concurrent use.
type server struct {
	pluginpb.UnimplementedPluginServer
	formula      plugins.Formula
	segmentation plugins.Segmentation
	desc         plugins.Description
	descJSON     []byte

	mu         sync.Mutex
	configured bool
	// req and out are Compute's input and output columns, reused from
	// chunk to chunk (under mu).
	req chunkInput
	out [][]float64
	// served is set by serve, which installs columnCodec: only then does
	// Compute receive its request as a chunkInput.
	served bool

	// stderr is the process's real stderr, which the host reads to the end
	// even after a crash. go-plugin points os.Stdout and os.Stderr at pipes
	// it forwards over gRPC, which lose what is unread when the process
	// exits; the first call points both back at stderr.
	stderr   *os.File
	redirect sync.Once
}

// enter runs at the start of every call. Handlers run on goroutines the
// gRPC server starts after go-plugin has set os.Stdout and os.Stderr, so
// reading and setting them here does not race with go-plugin.
func (s *server) enter() {
	s.redirect.Do(func() {
		if s.stderr != nil {
			os.Stdout, os.Stderr = s.stderr, s.stderr
		}
	})
}

func (s *server) Describe(context.Context, *pluginpb.DescribeRequest) (*pluginpb.DescribeResponse, error) {
	s.enter()
	return &pluginpb.DescribeResponse{DescriptionJson: s.descJSON}, nil
}

func (s *server) Configure(_ context.Context, req *pluginpb.ConfigureRequest) (resp *pluginpb.ConfigureResponse, err error) {
	s.enter()
	var given plugins.Params
	if err := json.Unmarshal(req.ParamsJson, &given); err != nil {
		return nil, status.Errorf(codes.InvalidArgument, "parameters: %v", err)
	}
	p, err := s.desc.Resolve(given)
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	defer recoverPanic(&err)
	if s.formula != nil {
		err = s.formula.Configure(p)
	} else {
		err = s.segmentation.Configure(p)
	}
	if err != nil {
		return nil, status.Errorf(codes.InvalidArgument, "configure: %v", err)
	}
	s.configured = true
	return &pluginpb.ConfigureResponse{}, nil
}

// columns checks a request's columns against the declared inputs and
// returns them as slices.
func (s *server) columns(rows uint32, cols []*pluginpb.Column) ([][]float64, error) {
	if !s.configured {
		return nil, status.Error(codes.FailedPrecondition, "Configure was not called")
	}
	if len(cols) != len(s.desc.Inputs) {
		return nil, status.Errorf(codes.InvalidArgument, "got %d input columns, declared %d", len(cols), len(s.desc.Inputs))
	}
	in := make([][]float64, len(cols))
	for j, c := range cols {
		if len(c.GetValues()) != int(rows) {
			return nil, status.Errorf(codes.InvalidArgument, "input %s: got %d values for %d rows", s.desc.Inputs[j], len(c.GetValues()), rows)
		}
		in[j] = c.GetValues()
	}
	return in, nil
}

func (s *server) Compute(_ context.Context, req *pluginpb.ComputeRequest) (resp *pluginpb.ComputeResponse, err error) {
	s.enter()
	if s.formula == nil {
		return nil, status.Errorf(codes.Unimplemented, "plugin %s is a %s plugin: it has no Compute", s.desc.Name, s.desc.Kind)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	in, err := s.columns(req.Rows, req.Inputs)
	if err != nil {
		return nil, err
	}
	defer recoverPanic(&err)
	resp = &pluginpb.ComputeResponse{Outputs: make([]*pluginpb.Column, len(s.desc.Outputs))}
	out := make([][]float64, len(s.desc.Outputs))
	for j := range out {
		out[j] = make([]float64, req.Rows)
		resp.Outputs[j] = &pluginpb.Column{Values: out[j]}
	}
	if err := s.formula.Compute(in, out); err != nil {
		return nil, status.Error(codes.Unknown, err.Error())
	}
	return resp, nil
}

// computeHandler serves Compute in place of the generated handler: it
// decodes the request with columnCodec into reused columns, computes into
// reused output columns and encodes the answer before it lets the next
// call in, so nothing of one chunk is allocated anew for the next.
func computeHandler(srv any, ctx context.Context, dec func(any) error, interceptor ggrpc.UnaryServerInterceptor) (any, error) {
	s := srv.(*server)
	if interceptor != nil || !s.served {
		// Not served by serve: the generated path.
		in := new(pluginpb.ComputeRequest)
		if err := dec(in); err != nil {
			return nil, err
		}
		if interceptor == nil {
			return s.Compute(ctx, in)
		}
		info := &ggrpc.UnaryServerInfo{Server: srv, FullMethod: pluginpb.Plugin_Compute_FullMethodName}
		return interceptor(ctx, in, info, func(ctx context.Context, req any) (any, error) {
			return s.Compute(ctx, req.(*pluginpb.ComputeRequest))
		})
	}
	s.enter()
	if s.formula == nil {
		return nil, status.Errorf(codes.Unimplemented, "plugin %s is a %s plugin: it has no Compute", s.desc.Name, s.desc.Kind)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	req := &s.req
	if err := dec(req); err != nil {
		return nil, err
	}
	return s.compute(req)
}

func (s *server) compute(req *chunkInput) (resp encodedMessage, err error) {
	if !s.configured {
		return nil, status.Error(codes.FailedPrecondition, "Configure was not called")
	}
	if len(req.in) != len(s.desc.Inputs) {
		return nil, status.Errorf(codes.InvalidArgument, "got %d input columns, declared %d", len(req.in), len(s.desc.Inputs))
	}
	rows := int(req.rows)
	for j, c := range req.in {
		if len(c) != rows {
			return nil, status.Errorf(codes.InvalidArgument, "input %s: got %d values for %d rows", s.desc.Inputs[j], len(c), rows)
		}
	}
	defer recoverPanic(&err)
	if len(s.out) != len(s.desc.Outputs) {
		s.out = make([][]float64, len(s.desc.Outputs))
	}
	for j := range s.out {
		if cap(s.out[j]) < rows {
			s.out[j] = make([]float64, rows)
		}
		// Zeroed, as a fresh column would be: a plugin may add into it.
		s.out[j] = s.out[j][:rows]
		clear(s.out[j])
	}
	// The plugin gets its own slice headers: what it does to them does not
	// change s.out.
	in := append([][]float64(nil), req.in...)
	out := append([][]float64(nil), s.out...)
	if err := s.formula.Compute(in, out); err != nil {
		return nil, status.Error(codes.Unknown, err.Error())
	}
	size := 0
	for _, c := range s.out {
		size += sizeColumn(outputsField, len(c))
	}
	// The answer is a new buffer each time: gRPC writes it after the
	// handler returns.
	b := make([]byte, 0, size)
	for _, c := range s.out {
		b = appendColumn(b, outputsField, c)
	}
	return b, nil
}

func (s *server) Segment(_ context.Context, req *pluginpb.SegmentRequest) (resp *pluginpb.SegmentResponse, err error) {
	s.enter()
	if s.segmentation == nil {
		return nil, status.Errorf(codes.Unimplemented, "plugin %s is a %s plugin: it has no Segment", s.desc.Name, s.desc.Kind)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	in, err := s.columns(req.Rows, req.Inputs)
	if err != nil {
		return nil, err
	}
	defer recoverPanic(&err)
	labels := make([]int32, req.Rows)
	if err := s.segmentation.Segment(in, labels); err != nil {
		return nil, status.Error(codes.Unknown, err.Error())
	}
	return &pluginpb.SegmentResponse{Labels: labels}, nil
}

// recoverPanic turns a panic in plugin code into an error status for the
// call, with the stack on stderr (the host's plugin log).
func recoverPanic(err *error) {
	if r := recover(); r != nil {
		fmt.Fprintf(os.Stderr, "panic: %v\n%s", r, debug.Stack())
		*err = status.Errorf(codes.Internal, "panic: %v", r)
	}
}
