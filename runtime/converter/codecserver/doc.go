// Package codecserver serves payload codecs over HTTP, as a "codec server"
// for the Temporal Web UI and the temporal CLI, so that people can read
// payloads that a converter.PayloadCodec encrypted or compressed without
// the keys ever reaching the Temporal server.
//
// # Serving
//
// New returns an http.Handler for one or more codecs:
//
//	h, err := codecserver.New(codecserver.Options{
//		Codecs:         []converter.PayloadCodec{myEncryptionCodec},
//		AllowedOrigins: []string{"http://localhost:8233"}, // the Web UI
//	})
//	if err != nil { ... }
//	log.Fatal(http.ListenAndServe("127.0.0.1:8081", h))
//
// Use the same codecs, in the same order, as the workers'
// converter.WithCodecs. Then point the clients at the server:
//
//	temporal workflow show -w order-42 --codec-endpoint http://127.0.0.1:8081
//
// In the Web UI, enter http://127.0.0.1:8081 as the codec server endpoint
// (the codec server settings in the top bar), or start the dev server with
// --ui-codec-endpoint. The UI then calls the codec server from the browser,
// which is why the UI's origin must be in AllowedOrigins.
//
// # Protocol
//
// The handler answers POST requests whose path ends in /encode or /decode,
// so it may be mounted under any prefix. The request body is a
// temporal.api.common.v1.Payloads message in protobuf JSON, and so is the
// response:
//
//	POST /decode
//	Content-Type: application/json
//	X-Namespace: default
//
//	{"payloads":[{"metadata":{"encoding":"YmluYXJ5L2VuY3J5cHRlZA=="},"data":"..."}]}
//
// /encode runs the codecs' Encode in order, /decode their Decode in reverse
// order, exactly as converter.WithCodecs does. Codecs pass through payloads
// they do not recognise, so the UI may send any payload for decoding.
//
// Failures are plain-text responses naming what failed:
//
//	400  malformed JSON, a payload that is not valid protobuf JSON, or a
//	     codec's error (e.g. "codecserver: decode: codec 0 (*Codec): ...")
//	401  Options.Authorize returned an error wrapping ErrUnauthorized
//	403  Options.Authorize returned another error, or a preflight from an
//	     origin not in AllowedOrigins
//	404  a path not ending in /encode or /decode, or a namespace without
//	     codecs
//	405  a method other than POST and OPTIONS (with an Allow header)
//	413  a body larger than Options.MaxBodyBytes
//	500  a codec panicked (the panic is logged with its stack and the
//	     process goes on) or returned the wrong number of payloads
//
// # Namespaces
//
// The Web UI and the CLI name the namespace in the X-Namespace header.
// Options.Namespaces gives namespaces codecs of their own; Options.Codecs
// serves every other namespace, and requests naming none. Without
// Options.Codecs, a namespace not in Namespaces gets 404.
//
// # Browsers: CORS
//
// The Web UI runs in the browser on its own origin, so it needs CORS: for
// origins in Options.AllowedOrigins the handler echoes the origin in
// Access-Control-Allow-Origin, allows credentials (the UI's "include
// cross-origin credentials" setting), and answers preflight OPTIONS
// requests with 204, allowing POST and the headers Content-Type,
// X-Namespace and Authorization. Note that http://localhost:8233 and
// http://127.0.0.1:8233 are different origins.
//
// # Authorization
//
// A codec server holds keys, so in production it wants authentication.
// Options.Authorize sees every POST before its body is read;
// RequireAuthorization checks for a fixed Authorization header, which is
// what `temporal --codec-auth` sends (the Web UI sends "Bearer <access
// token>" when its codec settings pass the user's access token; check
// such tokens with your own Authorize func). Serve over HTTPS when
// credentials travel.
//
// # Remote codecs
//
// NewRemoteCodec is the client side: a converter.PayloadCodec that has a
// codec server do the work, speaking the same protocol as the CLI
// (X-Namespace, Authorization, "{namespace}" in the endpoint).
package codecserver
