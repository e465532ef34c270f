package main

import (
	"context"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/backprop-go/backprop/playground"
)

func init() {
	register(&command{
		name:    "playground",
		summary: "serve an interactive page to build, train and take apart a small network in the browser",
		run:     runPlayground,
	})
}

// defaultPlaygroundAddr is where the playground listens unless --addr
// says otherwise.
const defaultPlaygroundAddr = "127.0.0.1:8080"

// runPlayground serves the playground until SIGINT or SIGTERM. It prints
// the page's URL alone on stdout, so scripts can read it, and logs start
// and stop on stderr.
func runPlayground(e *env, args []string) error {
	fs := newFlags(e, "playground", "[--addr host:port]")
	addr := fs.String("addr", defaultPlaygroundAddr, "the `host:port` to listen on; port 0 picks a free port")
	remote := fs.Bool("allow-remote", false, "allow an --addr that other machines can reach; without it only loopback addresses are accepted")
	if err := parseFlags(fs, args, false); err != nil {
		return err
	}
	ln, err := playground.Listen(*addr, *remote)
	if err != nil {
		if *addr == defaultPlaygroundAddr {
			return fmt.Errorf("%w\nIf the port is taken, give another with --addr, or --addr 127.0.0.1:0 for a free one", err)
		}
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return servePlayground(ctx, e, ln)
}

// servePlayground serves on ln until ctx is done, so tests can run it
// with their own context.
func servePlayground(ctx context.Context, e *env, ln net.Listener) error {
	url := playground.URL(ln)
	fmt.Fprintln(e.stdout, url)
	fmt.Fprintf(e.stderr, "backprop playground: serving %s; press Ctrl+C to stop\n", url)
	errorLog := log.New(e.stderr, "backprop playground: ", 0)
	err := playground.Serve(ctx, ln, errorLog)
	if err != nil {
		return fmt.Errorf("serving %s: %w", url, err)
	}
	fmt.Fprintln(e.stderr, "backprop playground: stopped")
	return nil
}
