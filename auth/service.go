package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

// Collections of this package.
const (
	collSessions = "auth_sessions"
	collTokens   = "auth_tokens"
)

// Errors of this package; callers compare with errors.Is.
var (
	// ErrUnauthenticated: no credential, or one that is unknown, expired or revoked.
	ErrUnauthenticated = errors.New("auth: not authenticated")
	// ErrLoginFailed: wrong email or password (never says which).
	ErrLoginFailed = errors.New("auth: wrong email or password")
	// ErrWeakPassword: the new password does not meet the length rules.
	ErrWeakPassword = errors.New("auth: password does not meet the rules")
	// ErrSetupDone: first-run setup is over (an account exists).
	ErrSetupDone = errors.New("auth: setup is already done")
	// ErrSetupToken: the setup token is missing or wrong.
	ErrSetupToken = errors.New("auth: wrong setup token")
	// ErrScope: the API token's scopes do not allow the request.
	ErrScope = errors.New("auth: token scope does not allow this")
)

// RateLimitError says a login was refused because of too many attempts.
// It matches ErrRateLimited.
type RateLimitError struct {
	RetryAfter time.Duration
}

// ErrRateLimited: too many login attempts; see *RateLimitError.
var ErrRateLimited = errors.New("auth: too many attempts")

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("auth: too many attempts, retry after %s", e.RetryAfter.Round(time.Second))
}

// Is makes errors.Is(err, ErrRateLimited) true.
func (e *RateLimitError) Is(target error) bool { return target == ErrRateLimited }

// Options configures a Service. The zero value is usable.
type Options struct {
	// SessionTTL is how long a browser session lasts; 0 means 30 days.
	SessionTTL time.Duration
	// CacheTTL is how long a resolved credential is reused without reading
	// the store again; 0 means 2 s, negative disables the cache. Revoking in
	// this process takes effect at once; another process sharing the store
	// sees it within CacheTTL.
	CacheTTL time.Duration
	// LoginPerIP is the number of login attempts an IP may make per minute; 0 means 20.
	LoginPerIP int
	// LoginFreeFailures is the number of failed logins one IP may make for
	// one account before each further failure doubles its wait (from
	// LoginBackoff up to LoginMaxBackoff); 0 means 5. Other addresses are
	// not affected, so no account can be locked out by a stranger.
	LoginFreeFailures int
	// LoginBackoff is the first wait after the free failures; 0 means 1 s.
	LoginBackoff time.Duration
	// LoginMaxBackoff caps the wait; 0 means 15 minutes.
	LoginMaxBackoff time.Duration
	// Logger receives security-relevant log lines; nil means slog.Default().
	Logger *slog.Logger
}

// Service manages accounts, sessions, API tokens and first-run setup. It
// reads and changes accounts through the engine, and keeps its own
// collections (sessions, tokens) in its own store handle. It is safe for
// concurrent use.
type Service struct {
	e    *engine.Engine
	st   store.Store
	opts Options
	log  *slog.Logger

	ipLimit  *limiter
	throttle *throttle

	cacheMu sync.Mutex
	cache   map[string]cached

	setupMu   sync.Mutex
	setupHash string
}

// New returns a Service over the engine e and the store st that keeps the
// service's own collections (cmd passes the store it opened; it may be the
// engine's), and declares the indexes of those collections.
func New(ctx context.Context, e *engine.Engine, st store.Store, opts Options) (*Service, error) {
	if e == nil || st == nil {
		return nil, errors.New("auth: New needs an engine and a store")
	}
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = 30 * 24 * time.Hour
	}
	if opts.CacheTTL == 0 {
		opts.CacheTTL = 2 * time.Second
	}
	if opts.LoginPerIP <= 0 {
		opts.LoginPerIP = 20
	}
	if opts.LoginFreeFailures <= 0 {
		opts.LoginFreeFailures = 5
	}
	if opts.LoginBackoff <= 0 {
		opts.LoginBackoff = time.Second
	}
	if opts.LoginMaxBackoff <= 0 {
		opts.LoginMaxBackoff = 15 * time.Minute
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	s := &Service{e: e, st: st, opts: opts, log: opts.Logger,
		ipLimit:  newLimiter(opts.LoginPerIP, time.Minute),
		throttle: newThrottle(opts.LoginFreeFailures, opts.LoginBackoff, opts.LoginMaxBackoff),
		cache:    map[string]cached{}}
	for _, coll := range []string{collSessions, collTokens} {
		idx := []store.Index{{Name: "user", Fields: []store.SortKey{{Field: "user"}}}}
		if err := s.st.EnsureIndexes(ctx, coll, idx); err != nil {
			return nil, fmt.Errorf("auth: declare indexes of %s: %w", coll, err)
		}
	}
	return s, nil
}

// Engine returns the engine the service works over.
func (s *Service) Engine() *engine.Engine { return s.e }

func (s *Service) now() time.Time { return s.e.Now() }

func str(m map[string]any, k string) string {
	v, _ := m[k].(string)
	return v
}
