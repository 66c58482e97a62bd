// Package ratelimit holds token buckets keyed by client address or
// account, for the login, export, upload and public-form limits of the
// web UI and the document downloads of the JSON API. The client address
// is the socket peer, or behind a trusted proxy the right-most
// X-Forwarded-For hop that is not itself a trusted proxy.
//
// ratelimit imports only the standard library and golang.org/x/time/rate.
package ratelimit

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter is a set of token buckets keyed by client address or account
// name, with the trusted proxies whose X-Forwarded-For is believed.
type Limiter struct {
	mu      sync.Mutex
	limit   rate.Limit
	burst   int
	buckets map[string]*bucket
	trusted []netip.Prefix
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// New returns a limiter of limit tokens a second with bursts of burst; proxies are IP addresses or CIDR prefixes
// (unparsable entries are ignored).
func New(limit rate.Limit, burst int, proxies []string) *Limiter {
	l := &Limiter{limit: limit, burst: burst, buckets: map[string]*bucket{}}
	for _, p := range proxies {
		p = strings.TrimSpace(p)
		if pfx, err := netip.ParsePrefix(p); err == nil {
			l.trusted = append(l.trusted, pfx.Masked())
		} else if a, err := netip.ParseAddr(p); err == nil {
			l.trusted = append(l.trusted, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
		}
	}
	return l
}

// Allow takes one token from the bucket of every key and reports whether
// all of them had one.
func (l *Limiter) Allow(keys ...string) bool {
	ok, charge := l.Check(keys...)
	if ok {
		charge()
	}
	return ok
}

// Check reports whether the bucket of every key holds a token, without
// taking any; charge takes one from each. Login charges only failed
// attempts, so that a whole office behind one address can still sign in
// at 8 o'clock while password guessing is slowed down.
func (l *Limiter) Check(keys ...string) (ok bool, charge func()) {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	ok = true
	var lims []*rate.Limiter
	for _, k := range keys {
		b := l.buckets[k]
		if b == nil {
			b = &bucket{lim: rate.NewLimiter(l.limit, l.burst)}
			l.buckets[k] = b
		}
		b.seen = now
		lims = append(lims, b.lim)
		if b.lim.TokensAt(now) < 1 {
			ok = false
		}
	}
	return ok, func() {
		at := time.Now()
		for _, lim := range lims {
			lim.AllowN(at, 1)
		}
	}
}

// Evict drops buckets not used for idle.
func (l *Limiter) Evict(idle time.Duration) {
	cut := time.Now().Add(-idle)
	l.mu.Lock()
	defer l.mu.Unlock()
	for k, b := range l.buckets {
		if b.seen.Before(cut) {
			delete(l.buckets, k)
		}
	}
}

// Size returns the number of buckets, for tests.
func (l *Limiter) Size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// isTrusted reports whether a is one of the trusted proxies.
func (l *Limiter) isTrusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range l.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ClientAddr returns the address of the client: the socket peer, unless
// the peer is a trusted proxy, in which case the right-most hop of
// X-Forwarded-For that is not itself a trusted proxy (the left-most hops
// are whatever the client chose to send).
func (l *Limiter) ClientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	peer = peer.Unmap()
	if !l.isTrusted(peer) {
		return peer.String()
	}
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // garbage: stop at the last good hop
		}
		client = a.Unmap()
		if !l.isTrusted(client) {
			break
		}
	}
	return client.String()
}
