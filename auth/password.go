package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
	"golang.org/x/crypto/argon2"

	"github.com/formloom/formloom/engine/field"
)

// Argon2id parameters (OWASP's minimum recommendation: 19 MiB, 2 passes, 1
// lane). They are written into every hash, so raising them later keeps old
// hashes verifiable.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// Password length limits, in characters. The maximum bounds hashing work.
const (
	MinPasswordLength = 8
	MaxPasswordLength = 256
)

// ErrBadHash means a stored password hash is not a readable argon2id hash.
var ErrBadHash = errors.New("auth: unreadable password hash")

// MinPasswordScore is the lowest zxcvbn score (0–4) a new password may
// have: 2 means about a million guesses or more, which together with the
// login throttle keeps online guessing out of reach.
const MinPasswordScore = 2

// Codes of refused passwords (messages in zh-CN and en).
const (
	// CodePasswordCommon: the password is, or is built from, a well-known password.
	CodePasswordCommon = "password_common"
	// CodePasswordPersonal: the password contains the account's email or name.
	CodePasswordPersonal = "password_personal"
	// CodePasswordWeak: the password is too easy to guess for another reason.
	CodePasswordWeak = "password_weak"
)

// CheckPassword reports whether pw is acceptable as a new password for the
// account described by personal (its email and name): long enough, not too
// long, not containing the email or the name, and estimated hard enough to
// guess by zxcvbn (github.com/trustelem/zxcvbn), which knows common
// passwords, words, names, keyboard patterns, dates and sequences.
func CheckPassword(pw string, personal ...string) error {
	n := utf8.RuneCountInString(pw)
	if n < MinPasswordLength {
		return &PasswordError{Field: field.Error{Path: "password", Code: field.CodeMinLength, Params: map[string]any{"min": MinPasswordLength}}}
	}
	if n > MaxPasswordLength {
		return &PasswordError{Field: field.Error{Path: "password", Code: field.CodeMaxLength, Params: map[string]any{"max": MaxPasswordLength}}}
	}
	lower := strings.ToLower(pw)
	var inputs []string
	for _, p := range personal {
		p = strings.ToLower(strings.TrimSpace(p))
		if p == "" {
			continue
		}
		inputs = append(inputs, p)
		parts := []string{p}
		if local, _, ok := strings.Cut(p, "@"); ok {
			parts = append(parts, local)
			inputs = append(inputs, local)
		}
		for _, part := range parts {
			if utf8.RuneCountInString(part) >= 3 && strings.Contains(lower, part) {
				return &PasswordError{Field: field.Error{Path: "password", Code: CodePasswordPersonal}}
			}
		}
	}
	r := zxcvbn.PasswordStrength(pw, inputs)
	if r.Score >= MinPasswordScore {
		return nil
	}
	code := CodePasswordWeak
	for _, m := range r.Sequence {
		switch {
		case m.DictionaryName == "user_inputs":
			return &PasswordError{Field: field.Error{Path: "password", Code: CodePasswordPersonal}}
		case m.DictionaryName == "passwords":
			code = CodePasswordCommon
		}
	}
	return &PasswordError{Field: field.Error{Path: "password", Code: code}}
}

// PasswordError says why a password is refused, as a field error for the
// API; it matches ErrWeakPassword.
type PasswordError struct {
	Field field.Error
}

func (e *PasswordError) Error() string {
	return fmt.Sprintf("%v: %s", ErrWeakPassword, e.Field.Code)
}

// Is makes errors.Is(err, ErrWeakPassword) true.
func (e *PasswordError) Is(target error) bool { return target == ErrWeakPassword }

// HashPassword returns the argon2id hash of pw in the PHC string format
// ("$argon2id$v=19$m=…,t=…,p=…$salt$key").
func HashPassword(pw string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: random salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword reports whether pw matches hash. An unreadable hash is
// ErrBadHash (and never matches).
func VerifyPassword(hash, pw string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, ErrBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, ErrBadHash
	}
	var mem, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &t, &p); err != nil || mem == 0 || mem > 1<<21 || t == 0 || t > 16 || p == 0 {
		return false, ErrBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, ErrBadHash
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) == 0 || len(key) > 128 {
		return false, ErrBadHash
	}
	got := argon2.IDKey([]byte(pw), salt, t, mem, p, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// dummyHash is verified against when an account does not exist, so a login
// for an unknown email costs as much time as one for a known email.
var dummyHash = func() string {
	h, err := HashPassword("formloom-timing-equalizer")
	if err != nil {
		panic(err)
	}
	return h
}()
