package webhook

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"code.dny.dev/ssrf"
)

// ErrBlocked marks a request the SSRF guard refused.
var ErrBlocked = errors.New("webhook: destination not allowed")

// metadata are cloud metadata addresses, refused whatever the settings.
var metadata = []netip.Prefix{
	netip.MustParsePrefix("169.254.169.254/32"),
	netip.MustParsePrefix("fd00:ec2::254/128"),
	netip.MustParsePrefix("169.254.170.2/32"), // ECS task metadata
}

// privateV4 and privateV6 are what AllowPrivate lets through: private and
// shared address space, never loopback, link-local or metadata.
var (
	privateV4 = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("172.16.0.0/12"),
		netip.MustParsePrefix("192.168.0.0/16"), netip.MustParsePrefix("100.64.0.0/10")}
	privateV6 = []netip.Prefix{netip.MustParsePrefix("fc00::/7")}
)

// GuardOptions tunes the SSRF guard.
type GuardOptions struct {
	// AllowPrivate lets deliveries reach private networks (RFC 1918, CGNAT,
	// unique local IPv6): an admin setting for on-premises receivers, off
	// by default. Loopback, link-local, multicast and metadata stay denied.
	AllowPrivate bool
	// Allow lists extra prefixes that pass (tests allow 127.0.0.1/32 for
	// their loopback receivers); empty by default. Never metadata.
	Allow []netip.Prefix
	// LookupIP resolves a host name; nil uses the system resolver. Tests
	// inject one to simulate DNS answers (rebinding included).
	LookupIP func(ctx context.Context, host string) ([]netip.Addr, error)
}

// guard checks addresses when a connection is dialed: on the resolved
// address, so a name that resolves to a private address (or changes its
// answer between check and use) cannot pass.
type guard struct {
	g      *ssrf.Guardian
	lookup func(ctx context.Context, host string) ([]netip.Addr, error)
}

func newGuard(o GuardOptions) *guard {
	var v4, v6 []netip.Prefix
	for _, p := range o.Allow {
		if p.Addr().Is4() {
			v4 = append(v4, p)
		} else {
			v6 = append(v6, p)
		}
	}
	if o.AllowPrivate {
		v4, v6 = append(v4, privateV4...), append(v6, privateV6...)
	}
	g := &guard{g: ssrf.New(ssrf.WithAnyPort(), ssrf.WithAllowedV4Prefixes(v4...), ssrf.WithAllowedV6Prefixes(v6...)), lookup: o.LookupIP}
	if g.lookup == nil {
		g.lookup = func(ctx context.Context, host string) ([]netip.Addr, error) {
			return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		}
	}
	return g
}

// check refuses an address: metadata always, then the library's deny list.
func (g *guard) check(ip netip.Addr) error {
	ip = ip.Unmap()
	for _, p := range metadata {
		if p.Contains(ip) {
			return fmt.Errorf("%w: %s is a cloud metadata address", ErrBlocked, ip)
		}
	}
	if err := g.g.SafeAddr(ip); err != nil {
		return fmt.Errorf("%w: %v", ErrBlocked, err)
	}
	return nil
}

// control is the dialer's Control: it sees the address actually dialed.
func (g *guard) control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrBlocked, address)
	}
	if network != "tcp4" && network != "tcp6" {
		return fmt.Errorf("%w: network %s", ErrBlocked, network)
	}
	return g.check(ap.Addr())
}

// dial resolves the host with the guard's resolver and dials each address
// through the checking dialer.
func (g *guard) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	pn, err := strconv.Atoi(port)
	if err != nil {
		return nil, err
	}
	var addrs []netip.Addr
	if ip, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		addrs = []netip.Addr{ip}
	} else if addrs, err = g.lookup(ctx, host); err != nil {
		return nil, err
	}
	d := net.Dialer{Timeout: 10 * time.Second, Control: g.control}
	var last error = fmt.Errorf("webhook: %s resolves to no address", host)
	for _, ip := range addrs {
		c, err := d.DialContext(ctx, network, netip.AddrPortFrom(ip, uint16(pn)).String())
		if err == nil {
			return c, nil
		}
		last = err
	}
	return nil, last
}

// client returns the HTTP client of deliveries: guarded dialing, no
// redirects followed, no proxy from the environment (a proxy would dial
// for us, past the guard), the delivery timeout.
func (g *guard) client(timeout time.Duration) *http.Client {
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           g.dial,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   64,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: timeout,
	}
	return &http.Client{Transport: tr, Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// checkURL validates an endpoint URL when it is saved: http or https, a
// host, no credentials, no IPv4 in a non-standard form; a literal IP is
// checked against the guard at once (names are checked when dialed).
func (g *guard) checkURL(raw string) (string, error) {
	if len(raw) > 2048 {
		return CodeTooLong, errors.New("too long")
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || u.Hostname() == "" {
		return CodeURL, errors.New("not a URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return CodeScheme, errors.New("scheme")
	}
	if u.User != nil || u.Fragment != "" {
		return CodeURL, errors.New("credentials or fragment")
	}
	host := u.Hostname()
	if ip, err := netip.ParseAddr(host); err == nil {
		if err := g.check(ip); err != nil {
			return CodeURL, err
		}
		return "", nil
	}
	if oddIPv4(host) {
		return CodeURL, errors.New("IPv4 in a non-standard form")
	}
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		if err := g.check(netip.MustParseAddr("127.0.0.1")); err != nil {
			return CodeURL, err
		}
	}
	return "", nil
}

// oddIPv4 says a host name is an IPv4 address written in decimal, octal or
// hex (2130706433, 0177.0.0.1, 0x7f.1): some resolvers accept those.
func oddIPv4(host string) bool {
	parts := strings.Split(host, ".")
	if len(parts) > 4 {
		return false
	}
	for _, p := range parts {
		if p == "" {
			return false
		}
		lp := strings.ToLower(p)
		if strings.HasPrefix(lp, "0x") {
			if _, err := strconv.ParseUint(lp[2:], 16, 32); err != nil && lp != "0x" {
				return false
			}
			continue
		}
		if _, err := strconv.ParseUint(p, 10, 32); err != nil {
			return false
		}
	}
	return true
}
