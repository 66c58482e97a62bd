package config

import "testing"

func TestFromEnv(t *testing.T) {
	env := map[string]string{"KHUYENCONG_ADDR": ":9000", "KHUYENCONG_DB": "postgres://x@h/db", "KHUYENCONG_TRUSTED_PROXIES": "10.0.0.1, 10.0.0.2",
		"KHUYENCONG_PUBLIC_URL": " https://khuyencong.quangtri.gov.vn/ "}
	c := FromEnv(func(k string) string { return env[k] })
	if c.Addr != ":9000" || c.DB != "postgres://x@h/db" || len(c.TrustedProxies) != 2 || c.PublicURL != "https://khuyencong.quangtri.gov.vn" {
		t.Fatalf("got %+v", c)
	}
	d := FromEnv(func(string) string { return "" })
	if d.Addr != DefaultAddr || d.DB != DefaultDB || d.Demo || d.PublicURL != "" {
		t.Fatalf("defaults: %+v", d)
	}
}
