// Command grpc is the contribution formula as a native go-plugin binary.
// clv starts it; run by hand, it says it is a plugin and exits.
//
//	go build -o bin/plugins/contribution-grpc ./examples/plugins/contribution/cmd/grpc
//	sha256sum bin/plugins/contribution-grpc   # the sha256 for clv.toml
package main

import (
	"github.com/clvkit/clvkit/examples/plugins/contribution"
	"github.com/clvkit/clvkit/plugins/grpc"
)

func main() {
	grpc.ServeFormula(&contribution.Formula{})
}
