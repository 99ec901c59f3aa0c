package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/formloom/formloom/engine"
)

// CreateAccount adds a user with a password (hashed with argon2id). It is
// the composition root's and setup's way to make accounts; the HTTP API adds
// users to a workspace with AddUser.
func (s *Service) CreateAccount(ctx context.Context, email, name, password string) (engine.User, error) {
	if err := CheckPassword(password); err != nil {
		return engine.User{}, err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return engine.User{}, err
	}
	u, err := s.e.CreateUser(ctx, engine.UserInput{Email: email, Name: name, PasswordHash: hash})
	if err != nil {
		return engine.User{}, fmt.Errorf("auth: create account: %w", err)
	}
	s.log.Info("account created", "user", u.ID)
	return u, nil
}

// NewUser is what an admin gives to add someone to the workspace.
type NewUser struct {
	Email       string      `json:"email"`
	Name        string      `json:"name"`
	Password    string      `json:"password"`
	Role        engine.Role `json:"role"`
	Departments []string    `json:"departments"`
}

// AddUser makes the account with in.Email a member of the actor's workspace,
// creating the account (with in.Name and in.Password) when none exists.
// Only workspace admins may do this; the role is checked before any account
// is created, so a member cannot create accounts.
func (s *Service) AddUser(ctx context.Context, a engine.Actor, in NewUser) (engine.User, engine.Member, error) {
	if err := a.RequireAdmin(); err != nil {
		return engine.User{}, engine.Member{}, err
	}
	if in.Role == "" {
		in.Role = engine.RoleMember
	}
	u, err := s.e.UserByEmail(ctx, in.Email)
	switch {
	case errors.Is(err, engine.ErrNotFound):
		if err := CheckPassword(in.Password); err != nil {
			return engine.User{}, engine.Member{}, err
		}
		hash, err := HashPassword(in.Password)
		if err != nil {
			return engine.User{}, engine.Member{}, err
		}
		u, m, err := s.e.CreateMember(ctx, a, engine.UserInput{Email: in.Email, Name: in.Name, PasswordHash: hash}, in.Role, in.Departments)
		if err != nil {
			return engine.User{}, engine.Member{}, err
		}
		s.log.Info("account created", "user", u.ID)
		return u, m, nil
	case err != nil:
		return engine.User{}, engine.Member{}, err
	}
	m, err := s.e.AddMember(ctx, a, u.ID, in.Role, in.Departments)
	if err != nil {
		return engine.User{}, engine.Member{}, err
	}
	s.invalidateUser(u.ID)
	return u, m, nil
}

// LoginInput is a login attempt; IP keys the per-address rate limit.
type LoginInput struct {
	Email     string `json:"email"`
	Password  string `json:"password"`
	IP        string `json:"-"`
	UserAgent string `json:"-"`
}

// Login checks an email and password and opens a session. Attempts are
// limited per IP and failures per account; an unknown email costs as much
// time as a wrong password and gets the same answer.
func (s *Service) Login(ctx context.Context, in LoginInput) (SessionGrant, error) {
	now := s.now()
	if wait, ok := s.ipLimit.blocked(in.IP, now); ok {
		return SessionGrant{}, &RateLimitError{RetryAfter: wait}
	}
	s.ipLimit.add(in.IP, now)
	account := strings.ToLower(strings.TrimSpace(in.Email))
	if wait, ok := s.accountLimit.blocked(account, now); ok {
		return SessionGrant{}, &RateLimitError{RetryAfter: wait}
	}
	u, err := s.e.UserByEmail(ctx, in.Email)
	if err != nil && !errors.Is(err, engine.ErrNotFound) {
		return SessionGrant{}, err
	}
	hash := u.PasswordHash
	if err != nil || hash == "" {
		hash = dummyHash
	}
	ok, herr := VerifyPassword(hash, in.Password)
	if herr != nil {
		s.log.Warn("unreadable password hash", "user", u.ID)
	}
	if err != nil || !ok || u.Disabled || u.PasswordHash == "" || len(in.Password) > 4*MaxPasswordLength {
		s.accountLimit.add(account, now)
		s.log.Info("login failed", "ip", in.IP)
		return SessionGrant{}, ErrLoginFailed
	}
	s.accountLimit.reset(account)
	return s.openSession(ctx, u, in.UserAgent)
}
