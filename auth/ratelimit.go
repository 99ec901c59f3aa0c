package auth

import (
	"strings"
	"sync"
	"time"
)

// limiter counts events per key in fixed windows. It lives in one process:
// with several processes behind a load balancer each enforces its own limit,
// which still bounds guessing to limit × processes per window.
type limiter struct {
	limit  int
	window time.Duration

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	start time.Time
	n     int
}

func newLimiter(limit int, window time.Duration) *limiter {
	return &limiter{limit: limit, window: window, buckets: map[string]*bucket{}}
}

// blocked reports whether key has used up its window, and for how long.
func (l *limiter) blocked(key string, now time.Time) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil || now.Sub(b.start) >= l.window {
		return 0, false
	}
	if b.n >= l.limit {
		return b.start.Add(l.window).Sub(now), true
	}
	return 0, false
}

// add counts one event for key.
func (l *limiter) add(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > l.window {
		for k, b := range l.buckets {
			if now.Sub(b.start) >= l.window {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b := l.buckets[key]
	if b == nil || now.Sub(b.start) >= l.window {
		l.buckets[key] = &bucket{start: now, n: 1}
		return
	}
	b.n++
}

// throttle slows down password guessing per (IP, account) pair with an
// exponential backoff: after FreeFailures failed logins from one address for
// one account, each further failure doubles the wait before that address
// may try that account again (1 s, 2 s, 4 s … up to MaxBackoff). A success
// clears the pair. Because the key includes the address, a stranger who
// knows an email can slow down only their own attempts: the owner signing
// in from another address is never locked out. Guessing from many
// addresses is bounded by the per-IP attempt limit.
type throttle struct {
	free    int
	base    time.Duration
	max     time.Duration
	mu      sync.Mutex
	entries map[throttleKey]*throttleEntry
	swept   time.Time
}

type throttleKey struct{ ip, account string }

type throttleEntry struct {
	failures int
	until    time.Time // no attempt before this instant
	last     time.Time
}

func newThrottle(free int, base, max time.Duration) *throttle {
	return &throttle{free: free, base: base, max: max, entries: map[throttleKey]*throttleEntry{}}
}

// wait reports how long ip must wait before trying account again.
func (t *throttle) wait(ip, account string, now time.Time) (time.Duration, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e := t.entries[throttleKey{ip, account}]
	if e == nil || !now.Before(e.until) {
		return 0, false
	}
	return e.until.Sub(now), true
}

// fail counts a failed login of account from ip and sets its backoff.
func (t *throttle) fail(ip, account string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if now.Sub(t.swept) > t.max {
		for k, e := range t.entries {
			if now.Sub(e.last) > 2*t.max {
				delete(t.entries, k)
			}
		}
		t.swept = now
	}
	k := throttleKey{ip, account}
	e := t.entries[k]
	if e == nil || now.Sub(e.last) > 2*t.max {
		e = &throttleEntry{}
		t.entries[k] = e
	}
	e.failures++
	e.last = now
	if over := e.failures - t.free; over > 0 {
		d := t.base << min(over-1, 30)
		if d > t.max || d <= 0 {
			d = t.max
		}
		e.until = now.Add(d)
	}
}

// succeed clears the pair after a successful login.
func (t *throttle) succeed(ip, account string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.entries, throttleKey{ip, account})
}

// forgetAccount clears every pair of account (after an admin set a new password).
func (t *throttle) forgetAccount(account string) {
	account = strings.ToLower(strings.TrimSpace(account))
	t.mu.Lock()
	defer t.mu.Unlock()
	for k := range t.entries {
		if k.account == account {
			delete(t.entries, k)
		}
	}
}
