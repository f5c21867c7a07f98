// Package pluginpb is the generated Go code for plugin.proto, the wire
// contract of clv's gRPC plugins. The generated files are committed, so a
// build needs no protoc; regenerate them after editing plugin.proto with
// protoc 3.21+, protoc-gen-go v1.36.6 and protoc-gen-go-grpc v1.3.0:
//
//	go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.6
//	go install google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.3.0
//	go generate ./plugins/grpc/internal/pluginpb
//
// protoc-gen-go-grpc is pinned at v1.3.0 because later versions generate
// code that needs a newer google.golang.org/grpc than go-plugin v1.8.0's.
package pluginpb

//go:generate protoc --go_out=. --go_opt=paths=source_relative --go-grpc_out=. --go-grpc_opt=paths=source_relative plugin.proto
