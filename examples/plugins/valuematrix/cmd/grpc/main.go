// Command grpc is the value-matrix segmentation as a native go-plugin
// binary. clv starts it; run by hand, it says it is a plugin and exits.
//
//	go build -o bin/plugins/valuematrix-grpc ./examples/plugins/valuematrix/cmd/grpc
//	sha256sum bin/plugins/valuematrix-grpc   # the sha256 for clv.toml
package main

import (
	"github.com/clvkit/clvkit/examples/plugins/valuematrix"
	"github.com/clvkit/clvkit/plugins/grpc"
)

func main() {
	grpc.ServeSegmentation(&valuematrix.Segmentation{})
}
