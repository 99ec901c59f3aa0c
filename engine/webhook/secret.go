package webhook

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
)

// SecretPrefix starts every signing secret (Standard Webhooks).
const SecretPrefix = "whsec_"

// secretBytes is the size of a signing secret's random part (the
// specification asks for 24 to 64 bytes).
const secretBytes = 32

// newSecret returns a fresh signing secret: whsec_ and base64 of 32 random bytes.
func newSecret() string {
	b := make([]byte, secretBytes)
	_, _ = rand.Read(b)
	return SecretPrefix + base64.StdEncoding.EncodeToString(b)
}

// secretKey returns the raw HMAC key of a whsec_ secret.
func secretKey(s string) ([]byte, error) {
	raw, ok := strings.CutPrefix(s, SecretPrefix)
	if !ok {
		return nil, errors.New("webhook: secret without whsec_ prefix")
	}
	return base64.StdEncoding.DecodeString(raw)
}

// sealer encrypts secrets at rest with AES-256-GCM. Signing needs the
// secret itself (an HMAC key cannot be hashed like a password), so it is
// stored encrypted under the server key (Options.Key), never in clear.
type sealer struct{ aead cipher.AEAD }

func newSealer(key []byte) (*sealer, error) {
	k := sha256.Sum256(key) // any length of configured key gives an AES-256 key
	block, err := aes.NewCipher(k[:])
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: aead}, nil
}

// seal encrypts plain; the result is base64 of nonce and ciphertext.
func (s *sealer) seal(plain string) string {
	nonce := make([]byte, s.aead.NonceSize())
	_, _ = rand.Read(nonce)
	return base64.StdEncoding.EncodeToString(s.aead.Seal(nonce, nonce, []byte(plain), nil))
}

// open decrypts what seal made.
func (s *sealer) open(sealed string) (string, error) {
	b, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil || len(b) < s.aead.NonceSize() {
		return "", errors.New("webhook: sealed secret is corrupt")
	}
	p, err := s.aead.Open(nil, b[:s.aead.NonceSize()], b[s.aead.NonceSize():], nil)
	if err != nil {
		return "", fmt.Errorf("webhook: secret does not open with this server key: %w", err)
	}
	return string(p), nil
}

// Sign returns the Standard Webhooks signature header value for one
// message: "v1,<base64 HMAC-SHA256 of id.timestamp.body>" per secret,
// separated by spaces (during a rotation both secrets sign).
func Sign(secrets []string, msgID string, ts time.Time, body []byte) (string, error) {
	parts := make([]string, 0, len(secrets))
	for _, s := range secrets {
		key, err := secretKey(s)
		if err != nil {
			return "", err
		}
		parts = append(parts, "v1,"+signWith(key, msgID, ts.Unix(), body))
	}
	return strings.Join(parts, " "), nil
}

func signWith(key []byte, msgID string, unix int64, body []byte) string {
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "%s.%d.", msgID, unix)
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// verifyStandard checks a Standard Webhooks signature header against one
// secret, within tolerance of now (inbound hooks).
func verifyStandard(secret, msgID, tsHeader, sigHeader string, body []byte, now time.Time) bool {
	key, err := secretKey(secret)
	if err != nil {
		return false
	}
	var unix int64
	if _, err := fmt.Sscan(tsHeader, &unix); err != nil {
		return false
	}
	if d := now.Unix() - unix; d > 300 || d < -300 {
		return false
	}
	want := signWith(key, msgID, unix, body)
	for _, p := range strings.Fields(sigHeader) {
		if v, sig, ok := strings.Cut(p, ","); ok && v == "v1" && hmac.Equal([]byte(sig), []byte(want)) {
			return true
		}
	}
	return false
}

// verifyHMAC checks a plain hex or base64 HMAC-SHA256 of the body (the
// "sha256=<hex>" form GitHub and many ERPs send is accepted too).
func verifyHMAC(secret, header string, body []byte) bool {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	sum := m.Sum(nil)
	h := strings.TrimPrefix(strings.TrimSpace(header), "sha256=")
	if h == "" {
		return false
	}
	hexSum := fmt.Sprintf("%x", sum)
	return hmac.Equal([]byte(strings.ToLower(h)), []byte(hexSum)) ||
		hmac.Equal([]byte(h), []byte(base64.StdEncoding.EncodeToString(sum)))
}
