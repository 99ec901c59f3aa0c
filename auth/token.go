package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"strings"

	"github.com/formloom/formloom/engine/store"
)

// Credential prefixes: they tell a session from an API token at a glance
// (and to secret scanners).
const (
	prefixSession = "fls"
	prefixToken   = "flt"
)

// newSecret returns 32 random bytes, URL-safe base64 encoded.
func newSecret() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("auth: crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// hashSecret is the stored form of a secret: hex SHA-256.
func hashSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// sameHash compares two stored hashes in constant time.
func sameHash(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// formatCredential builds "<prefix>_<id>_<secret>".
func formatCredential(prefix, id, secret string) string { return prefix + "_" + id + "_" + secret }

// parseCredential splits a credential into its prefix, id and secret.
func parseCredential(s string) (prefix, id, secret string, ok bool) {
	if len(s) > 256 {
		return "", "", "", false
	}
	prefix, rest, ok1 := strings.Cut(s, "_")
	id, secret, ok2 := strings.Cut(rest, "_")
	if !ok1 || !ok2 || (prefix != prefixSession && prefix != prefixToken) || secret == "" || store.ValidateID(id) != nil {
		return "", "", "", false
	}
	return prefix, id, secret, true
}
