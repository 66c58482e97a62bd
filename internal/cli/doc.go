// Package cli is the command line of khuyencong (serve, migrate, units,
// user, audit, demo, …) built with cobra, and the Main type that tests use
// to run the binary in-process (for example the server on port :0).
//
// cli is the only package that imports web and api; only cmd/khuyencong
// imports cli.
package cli
