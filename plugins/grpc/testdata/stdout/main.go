// Command stdout is a test plugin that breaks the rule: it prints to stdout
// before it serves, so the host reads that line instead of the handshake.
package main

import (
	"fmt"

	"github.com/clvkit/clvkit/examples/plugins/contribution"
	"github.com/clvkit/clvkit/plugins/grpc"
)

func main() {
	fmt.Println("starting contribution plugin")
	grpc.ServeFormula(&contribution.Formula{})
}
