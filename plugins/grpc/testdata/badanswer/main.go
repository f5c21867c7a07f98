// Command badanswer is a test plugin that implements the wire protocol
// itself (as a plugin in another language would) and answers wrongly, so
// the host's checks are exercised: mode 0 returns a NaN in row 5, mode 1
// one row short, mode 2 one column short.
package main

import (
	"context"
	"encoding/json"
	"math"

	"github.com/clvkit/clvkit/plugins"
	"github.com/clvkit/clvkit/plugins/grpc"
	"github.com/clvkit/clvkit/plugins/grpc/internal/pluginpb"
	goplugin "github.com/hashicorp/go-plugin"
	ggrpc "google.golang.org/grpc"
)

type server struct {
	pluginpb.UnimplementedPluginServer
	mode float64
}

var desc = plugins.Description{
	Name: "badanswer", Version: "0.0.1", Kind: plugins.KindFormula,
	Inputs: []string{"x"}, Outputs: []string{"y", "z"},
	Params: []plugins.Param{{Name: "mode", Description: "0 NaN, 1 short, 2 missing column", Max: 2}},
}

func (s *server) Describe(context.Context, *pluginpb.DescribeRequest) (*pluginpb.DescribeResponse, error) {
	js, err := json.Marshal(desc)
	return &pluginpb.DescribeResponse{DescriptionJson: js}, err
}

func (s *server) Configure(_ context.Context, req *pluginpb.ConfigureRequest) (*pluginpb.ConfigureResponse, error) {
	var p plugins.Params
	if err := json.Unmarshal(req.ParamsJson, &p); err != nil {
		return nil, err
	}
	s.mode = p["mode"]
	return &pluginpb.ConfigureResponse{}, nil
}

func (s *server) Compute(_ context.Context, req *pluginpb.ComputeRequest) (*pluginpb.ComputeResponse, error) {
	y := append([]float64(nil), req.Inputs[0].Values...)
	z := append([]float64(nil), req.Inputs[0].Values...)
	switch s.mode {
	case 0:
		y[4] = math.NaN()
	case 1:
		z = z[1:]
	case 2:
		return &pluginpb.ComputeResponse{Outputs: []*pluginpb.Column{{Values: y}}}, nil
	}
	return &pluginpb.ComputeResponse{Outputs: []*pluginpb.Column{{Values: y}, {Values: z}}}, nil
}

type raw struct {
	goplugin.NetRPCUnsupportedPlugin
}

func (raw) GRPCServer(_ *goplugin.GRPCBroker, s *ggrpc.Server) error {
	pluginpb.RegisterPluginServer(s, &server{})
	return nil
}

func (raw) GRPCClient(context.Context, *goplugin.GRPCBroker, *ggrpc.ClientConn) (any, error) {
	return nil, nil
}

func main() {
	goplugin.Serve(&goplugin.ServeConfig{
		HandshakeConfig:  goplugin.HandshakeConfig{MagicCookieKey: grpc.MagicCookieKey, MagicCookieValue: grpc.MagicCookieValue},
		VersionedPlugins: map[int]goplugin.PluginSet{plugins.ProtocolVersion: {grpc.PluginName: raw{}}},
		GRPCServer:       goplugin.DefaultGRPCServer,
	})
}
