package backoff

import (
	"context"
	"net"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// TestWaitConn checks that a wait on a connection to a server that does
// not answer lasts its full delay, and that one in progress when the server
// comes up ends early with reconnected set.
func TestWaitConn(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// Connections are accepted by the kernel but nobody speaks gRPC on
	// them until Serve: the server is not there yet.
	addr := lis.Addr().String()

	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	reconnected, err := WaitConn(ctx, conn, 50*time.Millisecond)
	if reconnected || err != nil {
		t.Fatalf("WaitConn with the server down = %v, %v; want false, nil", reconnected, err)
	}

	srv := grpc.NewServer()
	go func() { _ = srv.Serve(lis) }()
	defer srv.Stop()
	start := time.Now()
	reconnected, err = WaitConn(ctx, conn, 50*time.Second)
	if !reconnected || err != nil {
		t.Fatalf("WaitConn with the server up = %v, %v; want true, nil", reconnected, err)
	}
	if waited := time.Since(start); waited >= 50*time.Second {
		t.Errorf("WaitConn waited %v, its full delay", waited)
	}

	// A ready connection waits the full delay: the server answered, with
	// an error.
	start = time.Now()
	if reconnected, err = WaitConn(ctx, conn, 20*time.Millisecond); reconnected || err != nil || time.Since(start) < 20*time.Millisecond {
		t.Errorf("WaitConn on a ready connection = %v, %v after %v", reconnected, err, time.Since(start))
	}

	// A context that ends stops the wait with its error.
	cctx, ccancel := context.WithCancel(ctx)
	ccancel()
	if _, err := WaitConn(cctx, conn, time.Hour); err == nil {
		t.Error("WaitConn with a cancelled context returned nil")
	}
}
