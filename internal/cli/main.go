package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"khuyencong/internal/app"
	"khuyencong/internal/config"
	"khuyencong/internal/crypto"
	"khuyencong/internal/kc"
	"khuyencong/internal/locale"
	"khuyencong/internal/store"

	"github.com/spf13/cobra"
)

// Main runs the command line. Tests set the writers, the environment and
// Ready (which receives the server's URL once it listens).
type Main struct {
	Stdout, Stderr io.Writer
	Stdin          io.Reader // passwords for user add/passwd; nil means os.Stdin
	Getenv         config.Getenv
	// Ready, when set, receives the base URL once serve is listening.
	Ready chan<- string
	// Log is the logger; nil means text logs on Stderr.
	Log *slog.Logger

	cfg config.Config
}

// NewMain returns a Main wired to the process's standard streams.
func NewMain() *Main {
	return &Main{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
}

// Run parses args (without the program name), runs the command and returns
// the exit code: 0 on success, 1 on a user error, 2 on an internal error.
func (m *Main) Run(ctx context.Context, args []string) int {
	if m.Stdout == nil {
		m.Stdout = io.Discard
	}
	if m.Stderr == nil {
		m.Stderr = io.Discard
	}
	m.cfg = config.FromEnv(m.Getenv)
	if m.Log == nil {
		m.Log = slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	root := m.rootCmd()
	root.SetArgs(args)
	root.SetOut(m.Stdout)
	root.SetErr(m.Stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	fmt.Fprintln(m.Stderr, "lỗi: "+Message(err))
	var exit exitError
	if errors.As(err, &exit) {
		return exit.code
	}
	if kc.ErrorCode(err) == kc.EInternal {
		return 2
	}
	return 1
}

// exitError carries an exit code for failures that are already reported.
type exitError struct {
	code int
	msg  string
}

func (e exitError) Error() string { return e.msg }

// Message is the one-line Vietnamese message for err.
func Message(err error) string {
	var exit exitError
	if errors.As(err, &exit) {
		return exit.msg
	}
	if _, ok := errors.AsType[*kc.Error](err); ok {
		e := kc.AsError(err)
		msg := locale.T(locale.Default, e.Key, e.Args...)
		if e.Field != "" {
			msg = e.Field + ": " + msg
		} else if fes := kc.FieldErrors(err); len(fes) > 0 {
			var parts []string
			for _, fe := range fes {
				parts = append(parts, fe.Field+": "+locale.T(locale.Default, fe.Key, fe.Args...))
			}
			msg += " " + strings.Join(parts, "; ")
		}
		if e.Code == kc.EInternal && e.Err != nil {
			msg += " (" + e.Err.Error() + ")"
		}
		return msg
	}
	// Not a kc.Error: cobra's own usage errors and internal failures.
	return err.Error()
}

func (m *Main) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "khuyencong",
		Short:         "Hệ thống quản lý khuyến công cho tỉnh và xã",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVar(&m.cfg.DB, "db", m.cfg.DB, "cơ sở dữ liệu: sqlite:TỆP.db hoặc postgres://… (biến KHUYENCONG_DB)")
	root.AddCommand(
		m.serveCmd(),
		m.migrateCmd(),
		m.unitsCmd(),
		m.userCmd(),
		m.auditCmd(),
		m.demoCmd(),
		m.benchCmd(),
		m.importCmd(),
		m.exportCmd(),
		m.eligibilityCmd(), m.screenCmd(),
		m.planCmd(),
		m.reportCmd(),
		m.outreachCmd(),
	)
	return root
}

// withApp opens the application (see openApp), runs fn with the system
// principal in its context, and closes the database afterwards.
func (m *Main) withApp(ctx context.Context, fn func(ctx context.Context, a *app.App) error) error {
	a, closeApp, err := m.openApp(ctx)
	if err != nil {
		return err
	}
	defer closeApp()
	return fn(app.WithPrincipal(ctx, app.System), a)
}

// openApp opens and migrates the database named by --db and loads the
// reference data (administrative units) if missing.
func (m *Main) openApp(ctx context.Context) (*app.App, func(), error) {
	st, err := store.Open(ctx, m.cfg.DB)
	if err != nil {
		return nil, nil, err
	}
	if _, err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, nil, err
	}
	a := app.New(st, m.Log)
	if err := m.loadSecret(a, st); err != nil {
		st.Close()
		return nil, nil, err
	}
	if err := a.Bootstrap(ctx); err != nil {
		st.Close()
		return nil, nil, err
	}
	return a, func() { st.Close() }, nil
}

// loadSecret gives the app the key that seals personal data: the
// configured secret (KHUYENCONG_SECRET or KHUYENCONG_SECRET_FILE), or on
// SQLite the key file next to the database (<db>.key, mode 0600), created
// with a random secret on first use. The key file must be backed up apart
// from the database: without it the sealed phone and ID numbers are lost.
// On PostgreSQL without a secret the app gets none, and refuses to store
// personal data; serve refuses to start.
func (m *Main) loadSecret(a *app.App, st *store.Store) error {
	if m.cfg.Secret != "" {
		return a.SetSecret([]byte(m.cfg.Secret))
	}
	if st.Dialect().Postgres() {
		return nil
	}
	_, path, err := store.ParseDSN(m.cfg.DB)
	if err != nil {
		return err
	}
	secret, err := crypto.LoadOrCreateKeyFile(path + ".key")
	if err != nil {
		return kc.Errorf(kc.EInvalid, "personal.key_file", path+".key", err.Error()).Wrap(err)
	}
	return a.SetSecret(secret)
}
