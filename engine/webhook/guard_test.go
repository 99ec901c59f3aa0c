package webhook

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"
)

// ssrfCorpus are destinations every delivery must refuse: literal
// addresses in every spelling, and names a test resolver points at
// private space (as DNS rebinding would).
var ssrfCorpus = []string{
	// IPv4 loopback, private, link-local, CGNAT, this-network, multicast, reserved.
	"http://127.0.0.1/", "http://127.1.2.3/", "http://10.0.0.1/", "http://10.255.255.255/", "http://172.16.0.1/",
	"http://172.31.255.254/", "http://192.168.1.1/", "http://169.254.1.1/", "http://169.254.169.254/latest/meta-data/",
	"http://169.254.170.2/", "http://100.64.0.1/", "http://100.127.255.254/", "http://0.0.0.0/", "http://0.1.2.3/",
	"http://224.0.0.1/", "http://239.255.255.250/", "http://240.0.0.1/", "http://255.255.255.255/", "http://198.18.0.1/",
	// IPv4 in decimal, octal and hex.
	"http://2130706433/", "http://0177.0.0.1/", "http://0x7f.0.0.1/", "http://0x7f000001/", "http://017700000001/",
	"http://3232235777/", "http://0xa9fea9fe/", "http://2852039166/", "http://0177.1/", "http://0x7f.0x0.0x0.0x1/",
	"http://127.000.000.001/", "http://0/", "http://0x0a.1/", "http://10.1/", "http://192.168.257/",
	// IPv6 forms and IPv4-mapped / NAT64 addresses.
	"http://[::1]/", "http://[::]/", "http://[0:0:0:0:0:0:0:1]/", "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/",
	"http://[::ffff:169.254.169.254]/", "http://[::ffff:10.0.0.1]/", "http://[64:ff9b::7f00:1]/", "http://[64:ff9b::a9fe:a9fe]/",
	"http://[fe80::1]/", "http://[fc00::1]/", "http://[fd00:ec2::254]/", "http://[ff02::1]/", "http://[2001:db8::1]/",
	"http://[0:0:0:0:0:ffff:7f00:0001]/", "http://[::ffff:a9fe:a9fe]/", "http://[fd00:ec2:0:0:0:0:0:254]/", "http://[::1]:8080/",
	"http://[fe80::1%25eth0]/", "http://[::127.0.0.1]/",
	// Ports do not matter.
	"http://127.0.0.1:22/", "https://10.0.0.1:8443/",
	// Names resolving to private space (the test resolver).
	"http://rebind.test/", "http://metadata.test/", "http://v6loop.test/", "http://private.test/", "http://mapped.test/",
	"http://localhost/", "http://sub.localhost/", "http://cgnat.test/", "http://nat64.test/", "http://linklocal6.test/",
}

// testResolver answers for the .test names of the corpus, and, like the
// C library's resolver (inet_aton), turns IPv4 written in decimal, octal
// or hex into its address: the dial-time check must refuse those too.
func testResolver(_ context.Context, host string) ([]netip.Addr, error) {
	m := map[string]string{"rebind.test": "127.0.0.1", "metadata.test": "169.254.169.254", "v6loop.test": "::1",
		"private.test": "10.1.2.3", "mapped.test": "::ffff:192.168.0.1", "localhost": "127.0.0.1", "sub.localhost": "127.0.0.1",
		"public.test": "127.0.0.1", "cgnat.test": "100.100.1.1", "nat64.test": "64:ff9b::a00:1", "linklocal6.test": "fe80::abcd"}
	if a, ok := m[host]; ok {
		return []netip.Addr{netip.MustParseAddr(a)}, nil
	}
	if a, ok := inetAton(host); ok {
		return []netip.Addr{a}, nil
	}
	return nil, errors.New("no such host")
}

// inetAton parses IPv4 the way inet_aton does: 1 to 4 parts, each
// decimal, octal (leading 0) or hex (0x), the last part filling the
// remaining bytes.
func inetAton(host string) (netip.Addr, bool) {
	parts := strings.Split(host, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	var vals []uint64
	for _, p := range parts {
		v, err := strconv.ParseUint(p, 0, 32)
		if err != nil {
			return netip.Addr{}, false
		}
		vals = append(vals, v)
	}
	var n uint64
	for i, v := range vals[:len(vals)-1] {
		if v > 255 {
			return netip.Addr{}, false
		}
		n |= v << (24 - 8*i)
	}
	last := vals[len(vals)-1]
	if last >= 1<<(32-8*(len(vals)-1)) {
		return netip.Addr{}, false
	}
	n |= last
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}), true
}

func TestInetAton(t *testing.T) {
	for in, want := range map[string]string{"2130706433": "127.0.0.1", "0177.0.0.1": "127.0.0.1", "0x7f.1": "127.0.0.1",
		"127.000.000.001": "127.0.0.1", "192.168.257": "192.168.1.1", "10.1": "10.0.0.1", "0": "0.0.0.0"} {
		if a, ok := inetAton(in); !ok || a.String() != want {
			t.Errorf("inetAton(%q) = %v %v, want %s", in, a, ok, want)
		}
	}
}

func TestSSRFCorpusIsBlockedAtDialTime(t *testing.T) {
	if len(ssrfCorpus) < 40 {
		t.Fatalf("corpus has %d cases", len(ssrfCorpus))
	}
	// No allow-list here: the product's settings.
	g := newGuard(GuardOptions{LookupIP: testResolver})
	c := g.client(2 * time.Second)
	for _, u := range ssrfCorpus {
		req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader("{}"))
		resp, err := c.Do(req)
		if err == nil {
			resp.Body.Close()
			t.Errorf("%s: request went through (%d)", u, resp.StatusCode)
			continue
		}
		if !errors.Is(err, ErrBlocked) {
			t.Errorf("%s: failed, but not by the guard: %v", u, err)
		}
	}
}

func TestSSRFAllowPrivateStillDeniesLoopbackAndMetadata(t *testing.T) {
	g := newGuard(GuardOptions{AllowPrivate: true})
	for _, ip := range []string{"127.0.0.1", "169.254.169.254", "fd00:ec2::254", "::1", "169.254.10.10"} {
		if g.check(netip.MustParseAddr(ip)) == nil {
			t.Errorf("%s allowed with AllowPrivate", ip)
		}
	}
	for _, ip := range []string{"10.0.0.1", "192.168.3.4", "172.20.0.1", "fd12::1"} {
		if err := g.check(netip.MustParseAddr(ip)); err != nil {
			t.Errorf("%s refused with AllowPrivate: %v", ip, err)
		}
	}
}

func TestSSRFURLChecksOnSave(t *testing.T) {
	fx := newFixtureOn(t, backends()[0], func(o *Options) { o.Guard = GuardOptions{LookupIP: testResolver} })
	for _, u := range []string{"ftp://example.com/", "http://2130706433/", "http://[::1]/", "http://169.254.169.254/", "file:///etc/passwd",
		"http://user:pw@example.com/", "gopher://x/", "http://0x7f.1/"} {
		_, err := fx.s.CreateEndpoint(fx.ctx, fx.admin, EndpointInput{URL: u, Events: []string{"record.created"}})
		if err == nil {
			t.Errorf("%s saved", u)
		}
	}
	if _, err := fx.s.CreateEndpoint(fx.ctx, fx.admin, EndpointInput{URL: "https://hooks.example.com/in", Events: []string{"record.created", "alert.*"}}); err != nil {
		t.Errorf("a public URL is refused: %v", err)
	}
}

// A name that resolves to loopback is refused when dialed, even though the
// URL passed the save-time check (DNS rebinding); a redirect to a private
// address is not followed.
func TestSSRFRebindingAndRedirectInDelivery(t *testing.T) {
	rc := newReceiver(t)
	fx := newFixtureOn(t, backends()[0], func(o *Options) {
		o.Guard = GuardOptions{LookupIP: testResolver, Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}
	})
	// The receiver itself is allowed (127.0.0.1); it redirects to metadata.
	rc.next = func(int, received) (int, http.Header) {
		return 302, http.Header{"Location": {"http://169.254.169.254/latest/meta-data/"}}
	}
	ep := fx.endpoint(t, rc.srv.URL, nil)
	fx.create(t, map[string]any{"company": "A"})
	ds := fx.deliveries(t, ep.ID, 1)
	fx.deliverAll(t)
	d, _ := fx.s.Delivery(fx.ctx, fx.admin, ds[0].ID)
	if d.Status != StatusPending || d.LastStatus != 302 || !strings.Contains(d.LastError, "redirects are not followed") {
		t.Fatalf("redirect: %+v", d)
	}
	if len(rc.got()) != 1 {
		t.Fatalf("requests %d", len(rc.got()))
	}

	// Rebinding: without the allow-list, a name answering 127.0.0.1 is
	// refused at dial time.
	g := newGuard(GuardOptions{LookupIP: testResolver})
	if code, _ := g.checkURL("http://public.test/"); code != "" {
		t.Fatalf("the name itself is refused on save: %s", code)
	}
	req, _ := http.NewRequest(http.MethodPost, "http://public.test:"+strings.Split(rc.srv.URL, ":")[2]+"/", nil)
	if _, err := g.client(time.Second).Do(req); !errors.Is(err, ErrBlocked) {
		t.Fatalf("rebinding to loopback: %v", err)
	}
	if len(rc.got()) != 1 {
		t.Fatal("the rebound request reached the receiver")
	}
}
