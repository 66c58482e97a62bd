package ratelimit

import (
	"net/http/httptest"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// TestClientAddr: the socket peer, or behind a trusted proxy the
// right-most forwarded hop that is not itself trusted.
func TestClientAddr(t *testing.T) {
	l := New(rate.Limit(10.0/60.0), 5, []string{"10.0.0.1", "172.16.0.0/12", "bad entry"})
	cases := []struct {
		name   string
		remote string
		xff    []string
		want   string
	}{
		{"direct", "203.0.113.5:5000", nil, "203.0.113.5"},
		{"untrusted peer's header ignored", "203.0.113.5:5000", []string{"1.2.3.4"}, "203.0.113.5"},
		{"trusted proxy", "10.0.0.1:443", []string{"198.51.100.7"}, "198.51.100.7"},
		{"right-most untrusted hop", "10.0.0.1:443", []string{"6.6.6.6, 198.51.100.7, 172.16.3.4"}, "198.51.100.7"},
		{"several headers", "10.0.0.1:443", []string{"6.6.6.6", "198.51.100.8"}, "198.51.100.8"},
		{"all trusted", "10.0.0.1:443", []string{"172.16.0.9"}, "172.16.0.9"},
		{"garbage hop", "10.0.0.1:443", []string{"198.51.100.9, nonsense"}, "10.0.0.1"},
		{"no header", "10.0.0.1:443", nil, "10.0.0.1"},
		{"ipv6", "[2001:db8::1]:443", nil, "2001:db8::1"},
		{"mapped v4", "[::ffff:10.0.0.1]:443", []string{"198.51.100.10"}, "198.51.100.10"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/login", nil)
			r.RemoteAddr = c.remote
			for _, v := range c.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := l.ClientAddr(r); got != c.want {
				t.Fatalf("clientAddr = %q, want %q", got, c.want)
			}
		})
	}
}

// TestLimiterEvict: tokens per key, every key must have one, idle
// buckets are dropped, Check takes nothing until charged.
func TestLimiterEvict(t *testing.T) {
	l := New(rate.Limit(10.0/60.0), 2, nil)
	steps := []struct {
		name string
		run  func() bool
	}{
		{"first allowed", func() bool { return l.Allow("a") }},
		{"second allowed", func() bool { return l.Allow("a") }},
		{"third refused", func() bool { return !l.Allow("a") }},
		{"both keys must allow", func() bool { return !l.Allow("b", "a") }},
		{"two buckets", func() bool { return l.Size() == 2 }},
		{"recent kept", func() bool { l.Evict(time.Hour); return l.Size() == 2 }},
		{"idle evicted", func() bool { l.Evict(-time.Second); return l.Size() == 0 }},
		{"fresh after eviction", func() bool { return l.Allow("a") }},
		{"check does not take", func() bool {
			for range 5 {
				if ok, _ := l.Check("r"); !ok {
					return false
				}
			}
			return true
		}},
		{"charge takes", func() bool {
			_, charge := l.Check("c")
			charge()
			charge()
			ok, _ := l.Check("c")
			return !ok
		}},
		{"every key must have a token", func() bool {
			ok, _ := l.Check("fresh", "c")
			return !ok
		}},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if !s.run() {
				t.Fatal("failed")
			}
		})
	}
}
