// Package config holds the settings of the khuyencong binary and reads them
// from flags and KHUYENCONG_* environment variables: a flag and its variable
// share a name (--db / KHUYENCONG_DB) and the flag wins. Secrets may be read
// from a file named by the *_FILE variant.
//
// config imports only the standard library.
package config

import (
	"os"
	"strings"
)

// Defaults of the serve command.
const (
	DefaultAddr = ":8080"
	DefaultDB   = "sqlite:khuyencong.db"
)

// Config is every setting of the binary.
type Config struct {
	Addr string // listen address, KHUYENCONG_ADDR
	DB   string // database, KHUYENCONG_DB
	Demo bool   // load the demo dataset into an empty database
	// TrustedProxies lists peer addresses whose X-Forwarded-For is honoured
	// (KHUYENCONG_TRUSTED_PROXIES, comma-separated).
	TrustedProxies []string
	// SecureCookies marks cookies Secure (KHUYENCONG_SECURE_COOKIES=1);
	// on by default when the server sits behind TLS.
	SecureCookies bool
	// Secret keys the encryption of personal data (KHUYENCONG_SECRET or
	// KHUYENCONG_SECRET_FILE).
	Secret string
	// PublicURL is the address the public reaches the server at
	// (KHUYENCONG_PUBLIC_URL, e.g. https://khuyencong.quangtri.gov.vn),
	// which leaflets' QR codes link to; empty: the address of the request
	// (web) or the --base-url flag (command line).
	PublicURL string
}

// Getenv looks up an environment variable; tests pass a map-backed one.
type Getenv func(string) string

// FromEnv returns the configuration from the environment, with defaults.
func FromEnv(getenv Getenv) Config {
	if getenv == nil {
		getenv = os.Getenv
	}
	c := Config{Addr: DefaultAddr, DB: DefaultDB}
	if v := getenv("KHUYENCONG_ADDR"); v != "" {
		c.Addr = v
	}
	if v := getenv("KHUYENCONG_DB"); v != "" {
		c.DB = v
	}
	if v := getenv("KHUYENCONG_DEMO"); v == "1" || v == "true" {
		c.Demo = true
	}
	if v := getenv("KHUYENCONG_TRUSTED_PROXIES"); v != "" {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				c.TrustedProxies = append(c.TrustedProxies, p)
			}
		}
	}
	if v := getenv("KHUYENCONG_SECURE_COOKIES"); v == "1" || v == "true" {
		c.SecureCookies = true
	}
	c.Secret = secret(getenv, "KHUYENCONG_SECRET")
	c.PublicURL = strings.TrimRight(strings.TrimSpace(getenv("KHUYENCONG_PUBLIC_URL")), "/")
	return c
}

// secret reads NAME, or the file named by NAME_FILE.
func secret(getenv Getenv, name string) string {
	if v := getenv(name); v != "" {
		return v
	}
	if f := getenv(name + "_FILE"); f != "" {
		if b, err := os.ReadFile(f); err == nil {
			return strings.TrimSpace(string(b))
		}
	}
	return ""
}
