// Package grpc runs clv plugins as native subprocesses, with
// hashicorp/go-plugin over gRPC, so that a plugin can be written in any
// language that has gRPC.
//
// A plugin is an executable. Its main calls ServeFormula or
// ServeSegmentation; the host loads it with Load, which returns a *Plugin
// implementing plugins.Client.
//
// # Trust
//
// These plugins are trusted, not sandboxed. A plugin runs with the rights
// of the user running clv: it can read and write files, open network
// connections and start programs. What the host checks is that the file is
// the one the configuration names: Load refuses to start a file whose
// sha256 differs from Config.SHA256 (through go-plugin's SecureConfig).
// The handshake's magic cookie is not a security measure either: it only
// stops a user from running a plugin by hand by mistake. Use the
// WebAssembly transport (plugins/wasm) for code you do not trust.
//
// # Life cycle
//
// Load checks the checksum, starts the process, agrees on the protocol
// version (plugins.ProtocolVersion, refused with a message naming both
// versions if the plugin speaks another), sets up mutual TLS (go-plugin's
// AutoMTLS), and asks the plugin to Describe itself. Calls are bounded by
// Config.Timeout: a call that takes longer kills the process and fails with
// "plugin X: batch N: timed out after …". A plugin that crashes fails the
// call with its exit status and the end of its stderr. Close ends the
// process and waits for it.
//
// No plugin process outlives its host: on Linux the process gets SIGKILL
// when the host dies (Pdeathsig), and on every OS the Serve helpers exit
// the plugin when its parent process changes (polled every 500 ms).
//
// # Batches
//
// A batch crosses as packed columns of float64 (column-major) and comes
// back as columns or as packed int32 labels. The host cuts each batch into
// chunks of Config.ChunkRows rows, by default as many as fit in 1 MiB per
// message, so no message comes near gRPC's 4 MiB default limit; the Go
// side raises the limits too. Both Go sides encode and decode the columns
// as the little-endian doubles they are on the wire, in one copy, into
// buffers reused from chunk to chunk, and the host keeps two chunks in
// flight. PROTOCOL.md documents the wire protocol for
// implementers in other languages.
package grpc
