package grpc

import (
	"context"
	"errors"
	"math"

	"github.com/clvkit/clvkit/plugins"
	"github.com/clvkit/clvkit/plugins/grpc/internal/pluginpb"
	goplugin "github.com/hashicorp/go-plugin"
	ggrpc "google.golang.org/grpc"
)

// The magic cookie the host sets in the plugin's environment. It is not a
// security measure: it only makes a plugin run by hand say that it is a
// plugin instead of waiting for a handshake that never comes.
const (
	MagicCookieKey   = "CLVKIT_PLUGIN"
	MagicCookieValue = "a0c6f5d2-clvkit-grpc-plugin"
)

// PluginName is the name the plugin's service is dispensed under in
// go-plugin's plugin set, and the service name go-plugin's health check
// asks about.
const PluginName = "plugin"

// maxMessageBytes is the gRPC message limit both sides raise to, well above
// the chunks the host sends (about 1 MiB), so a large ChunkRows works with
// a Go plugin too.
const maxMessageBytes = math.MaxInt32

// windowBytes is the HTTP/2 flow-control window on both sides: a chunk of
// about 1 MiB crosses without waiting for window updates.
const windowBytes = 8 << 20

// ioBufferBytes is gRPC's read and write buffer on both sides (default
// 32 KiB): fewer, larger reads and writes for chunks of about 1 MiB.
const ioBufferBytes = 1 << 20

// handshake is the go-plugin handshake. ProtocolVersion is left 0: the
// versions are the keys of VersionedPlugins.
func handshake() goplugin.HandshakeConfig {
	return goplugin.HandshakeConfig{MagicCookieKey: MagicCookieKey, MagicCookieValue: MagicCookieValue}
}

// grpcPlugin is the go-plugin glue: on the plugin side it registers srv,
// on the host side it returns the generated client.
type grpcPlugin struct {
	goplugin.NetRPCUnsupportedPlugin
	srv pluginpb.PluginServer
}

func (p *grpcPlugin) GRPCServer(_ *goplugin.GRPCBroker, s *ggrpc.Server) error {
	if p.srv == nil {
		return errors.New("grpcPlugin: no server to register")
	}
	desc := pluginpb.Plugin_ServiceDesc
	if _, ok := p.srv.(*server); ok {
		// Compute has its own handler (see computeHandler).
		desc.Methods = append([]ggrpc.MethodDesc(nil), desc.Methods...)
		for i, m := range desc.Methods {
			if m.MethodName == "Compute" {
				desc.Methods[i].Handler = computeHandler
			}
		}
	}
	s.RegisterService(&desc, p.srv)
	return nil
}

// rpcClient is what the host side dispenses: the generated client, and
// the connection for the calls that use columnCodec.
type rpcClient struct {
	pluginpb.PluginClient
	conn *ggrpc.ClientConn
}

func (p *grpcPlugin) GRPCClient(_ context.Context, _ *goplugin.GRPCBroker, c *ggrpc.ClientConn) (any, error) {
	return &rpcClient{PluginClient: pluginpb.NewPluginClient(c), conn: c}, nil
}

// pluginSets is the versioned plugin set of both sides: exactly
// plugins.ProtocolVersion.
func pluginSets(srv pluginpb.PluginServer) map[int]goplugin.PluginSet {
	return map[int]goplugin.PluginSet{
		plugins.ProtocolVersion: {PluginName: &grpcPlugin{srv: srv}},
	}
}
