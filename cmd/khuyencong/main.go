// Command khuyencong runs the khuyến công management system: the web UI,
// the JSON API and the maintenance commands. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"khuyencong/internal/cli"

	_ "time/tzdata" // Asia/Ho_Chi_Minh on any host
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.NewMain().Run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}
