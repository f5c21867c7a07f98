// Command wrongversion is a test plugin that speaks plugin protocol version
// 99: the host must refuse it with a message naming both versions.
package main

import (
	"context"

	"github.com/clvkit/clvkit/plugins/grpc"
	goplugin "github.com/hashicorp/go-plugin"
	ggrpc "google.golang.org/grpc"
)

type future struct {
	goplugin.NetRPCUnsupportedPlugin
}

func (future) GRPCServer(*goplugin.GRPCBroker, *ggrpc.Server) error { return nil }
func (future) GRPCClient(context.Context, *goplugin.GRPCBroker, *ggrpc.ClientConn) (any, error) {
	return nil, nil
}

func main() {
	goplugin.Serve(&goplugin.ServeConfig{
		HandshakeConfig:  goplugin.HandshakeConfig{MagicCookieKey: grpc.MagicCookieKey, MagicCookieValue: grpc.MagicCookieValue},
		VersionedPlugins: map[int]goplugin.PluginSet{99: {grpc.PluginName: future{}}},
		GRPCServer:       goplugin.DefaultGRPCServer,
	})
}
