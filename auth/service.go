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
	// LoginFailuresPerAccount is the number of failed logins an account may
	// take per 15 minutes before further attempts are refused; 0 means 10.
	LoginFailuresPerAccount int
	// Logger receives security-relevant log lines; nil means slog.Default().
	Logger *slog.Logger
}

// Service manages accounts, sessions, API tokens and first-run setup over an
// engine and its store. It is safe for concurrent use.
type Service struct {
	e    *engine.Engine
	st   store.Store
	opts Options
	log  *slog.Logger

	ipLimit      *limiter
	accountLimit *limiter

	cacheMu sync.Mutex
	cache   map[string]cached

	setupMu   sync.Mutex
	setupHash string
}

// New returns a Service and declares the indexes of its collections.
func New(ctx context.Context, e *engine.Engine, opts Options) (*Service, error) {
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = 30 * 24 * time.Hour
	}
	if opts.CacheTTL == 0 {
		opts.CacheTTL = 2 * time.Second
	}
	if opts.LoginPerIP <= 0 {
		opts.LoginPerIP = 20
	}
	if opts.LoginFailuresPerAccount <= 0 {
		opts.LoginFailuresPerAccount = 10
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	s := &Service{e: e, st: e.Store(), opts: opts, log: opts.Logger,
		ipLimit:      newLimiter(opts.LoginPerIP, time.Minute),
		accountLimit: newLimiter(opts.LoginFailuresPerAccount, 15*time.Minute),
		cache:        map[string]cached{}}
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
