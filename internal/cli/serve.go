package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"

	"khuyencong/internal/api"
	"khuyencong/internal/app"
	"khuyencong/internal/kc"
	"khuyencong/internal/web"

	"github.com/spf13/cobra"
)

func (m *Main) serveCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Chạy máy chủ web (giao diện, API JSON)",
		Long: "Chạy máy chủ web. Lần đầu chạy sẽ tạo và cập nhật cơ sở dữ liệu; với --demo, nạp bộ dữ liệu mẫu\n" +
			"(huyện Đakrông cũ) khi cơ sở dữ liệu còn trống và in các tài khoản mẫu.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return m.serve(cmd.Context()) },
	}
	cmd.Flags().StringVar(&m.cfg.Addr, "addr", m.cfg.Addr, "địa chỉ lắng nghe, ví dụ :8080 (biến KHUYENCONG_ADDR)")
	cmd.Flags().BoolVar(&m.cfg.Demo, "demo", m.cfg.Demo, "nạp dữ liệu mẫu khi cơ sở dữ liệu còn trống")
	return cmd
}

func (m *Main) serve(ctx context.Context) error {
	// Check the address before touching the database, so a port in use
	// creates nothing.
	if _, _, err := net.SplitHostPort(m.cfg.Addr); err != nil {
		return kc.Errorf(kc.EInvalid, "serve.bad_addr", m.cfg.Addr)
	}
	ln, err := net.Listen("tcp", m.cfg.Addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return kc.Errorf(kc.EInvalid, "serve.port_in_use", m.cfg.Addr).Wrap(err)
		}
		return kc.Errorf(kc.EInvalid, "serve.bad_addr", m.cfg.Addr).Wrap(err)
	}
	defer ln.Close()

	a, closeApp, err := m.openApp(ctx)
	if err != nil {
		return err
	}
	defer closeApp()
	if !a.HasSecret() {
		return kc.Errorf(kc.EInvalid, "personal.secret_required")
	}

	var accounts []app.DemoAccount
	if m.cfg.Demo {
		accounts, err = a.EnsureDemo(ctx)
		if err != nil {
			return err
		}
	}

	w, err := web.New(a, web.Options{TrustedProxies: m.cfg.TrustedProxies, SecureCookies: m.cfg.SecureCookies, PublicURL: m.cfg.PublicURL, Log: m.Log})
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/api/v1/", api.New(a, api.Options{Log: m.Log}).Handler())
	mux.Handle("/", w.Handler())
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          nil,
	}
	url := baseURL(ln.Addr())
	fmt.Fprintf(m.Stdout, "khuyencong đang chạy tại %s (cơ sở dữ liệu: %s)\n", url, a.Store.Dialect().Name)
	if len(accounts) > 0 {
		fmt.Fprintln(m.Stdout, "Tài khoản dữ liệu mẫu (chỉ dùng để thử):")
		for _, acc := range accounts {
			fmt.Fprintf(m.Stdout, "  %-18s %-18s mật khẩu: %s\n", acc.Role, acc.Username, acc.Password)
		}
	}
	if m.Ready != nil {
		m.Ready <- url
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(m.Stdout, "Đang dừng máy chủ…")
	shutCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	w.Close()
	if err := srv.Shutdown(shutCtx); err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, "Đã dừng.")
	return nil
}

// baseURL turns a listener address into a URL a person can open.
func baseURL(addr net.Addr) string {
	host, port, _ := net.SplitHostPort(addr.String())
	if host == "" || host == "::" || host == "0.0.0.0" {
		host = "localhost"
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return "http://" + host + ":" + port
}
