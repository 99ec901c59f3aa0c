package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
)

// CreateAccount adds a user with a password (hashed with argon2id). It is
// the composition root's and setup's way to make accounts; the HTTP API adds
// users to a workspace with AddUser.
func (s *Service) CreateAccount(ctx context.Context, email, name, password string) (engine.User, error) {
	if err := CheckPassword(password, email, name); err != nil {
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

// UserAdded answers AddUser the same way whether the account was created
// or invited, so the answer does not tell whether an email has an account.
type UserAdded struct {
	Email       string      `json:"email"`
	Role        engine.Role `json:"role"`
	Departments []string    `json:"departments"`
}

// AddUser adds someone to the actor's workspace by email (admins only).
// Every input is checked first, the same way whatever the email: the email,
// the name, the password (with the policy of CheckPassword), the role and
// the departments. Then, when no account has the email, one is created with
// the name and password and made a member; when an account has it, its
// owner is invited (engine.Invite) and nothing about the account changes:
// the inviting admin gets no control over its name or password, and the
// account joins only if its owner accepts. The answer is the same in both
// cases.
func (s *Service) AddUser(ctx context.Context, a engine.Actor, in NewUser) (UserAdded, error) {
	if _, err := s.e.Authorize(ctx, a, engine.ActMembersManage, engine.Resource{}); err != nil {
		return UserAdded{}, err
	}
	if in.Role == "" {
		in.Role = engine.RoleMember
	}
	acct := engine.UserInput{Email: in.Email, Name: in.Name}
	problems := engine.AccountProblems(&acct)
	var pe *PasswordError
	if errors.As(CheckPassword(in.Password, acct.Email, acct.Name), &pe) {
		problems = append(problems, pe.Field)
	}
	if !engine.ValidRole(in.Role) {
		problems = append(problems, field.Error{Path: "role", Code: "option", Params: map[string]any{"value": string(in.Role)}})
	}
	if len(problems) > 0 {
		return UserAdded{}, &engine.ValidationError{Fields: problems}
	}
	out := UserAdded{Email: acct.Email, Role: in.Role, Departments: in.Departments}
	if out.Departments == nil {
		out.Departments = []string{}
	}
	// Hash before looking the email up, so both paths cost the same time.
	hash, err := HashPassword(in.Password)
	if err != nil {
		return UserAdded{}, err
	}
	u, err := s.e.UserByEmail(ctx, acct.Email)
	switch {
	case errors.Is(err, engine.ErrNotFound):
		acct.PasswordHash = hash
		u, _, err := s.e.CreateMember(ctx, a, acct, in.Role, in.Departments)
		if err != nil {
			return UserAdded{}, err
		}
		s.log.Info("account created", "user", u.ID, "by", a.UserID, "workspace", a.Workspace)
		return out, nil
	case err != nil:
		return UserAdded{}, err
	}
	if err := s.e.Invite(ctx, a, u.ID, in.Role, in.Departments); err != nil {
		return UserAdded{}, err
	}
	s.log.Info("account invited", "user", u.ID, "by", a.UserID, "workspace", a.Workspace)
	return out, nil
}

// LoginInput is a login attempt; IP keys the per-address rate limit.
type LoginInput struct {
	Email     string `json:"email"`
	Password  string `json:"password"`
	IP        string `json:"-"`
	UserAgent string `json:"-"`
}

// Login checks an email and password and opens a session. Attempts are
// limited per IP, and failed attempts are slowed down per IP and account
// with a backoff (see throttle), so nobody can lock another person's
// account by failing on purpose; an unknown email costs as much time as a
// wrong password and gets the same answer.
func (s *Service) Login(ctx context.Context, in LoginInput) (SessionGrant, error) {
	now := s.now()
	if wait, ok := s.ipLimit.blocked(in.IP, now); ok {
		return SessionGrant{}, &RateLimitError{RetryAfter: wait}
	}
	s.ipLimit.add(in.IP, now)
	account := strings.ToLower(strings.TrimSpace(in.Email))
	if wait, ok := s.throttle.wait(in.IP, account, now); ok {
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
		s.throttle.fail(in.IP, account, now)
		s.log.Info("login failed", "ip", in.IP)
		return SessionGrant{}, ErrLoginFailed
	}
	s.throttle.succeed(in.IP, account)
	return s.openSession(ctx, u, in.UserAgent)
}
