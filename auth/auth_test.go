package auth

import (
	"strings"
	"testing"
	"time"
)

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q", h)
	}
	scenarios := []struct {
		name string
		hash string
		pw   string
		ok   bool
		bad  bool
	}{
		{"right password", h, "correct horse battery", true, false},
		{"wrong password", h, "correct horse batterY", false, false},
		{"empty hash", "", "x", false, true},
		{"other algorithm", strings.Replace(h, "argon2id", "argon2i", 1), "correct horse battery", false, true},
		{"absurd memory", strings.Replace(h, "m=19456", "m=99999999", 1), "correct horse battery", false, true},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			ok, err := VerifyPassword(s.hash, s.pw)
			if ok != s.ok || (err != nil) != s.bad {
				t.Fatalf("ok=%v err=%v", ok, err)
			}
		})
	}
}

func TestParseCredential(t *testing.T) {
	scenarios := []struct {
		in string
		ok bool
	}{
		{"fls_01m8m0arcm6v4fbdh22fzq60b0_abc_def-ghi", true},
		{"flt_01m8m0arcm6v4fbdh22fzq60b0_x", true},
		{"xyz_01m8m0arcm6v4fbdh22fzq60b0_x", false},
		{"fls_01m8m0arcm6v4fbdh22fzq60b0_", false},
		{"fls_", false},
		{"", false},
		{"fls_" + strings.Repeat("a", 300) + "_x", false},
	}
	for _, s := range scenarios {
		if _, _, _, ok := parseCredential(s.in); ok != s.ok {
			t.Errorf("%q: ok=%v", s.in, ok)
		}
	}
}

func TestLimiter(t *testing.T) {
	l := newLimiter(3, time.Minute)
	now := time.Unix(1000, 0)
	for range 3 {
		if _, blocked := l.blocked("k", now); blocked {
			t.Fatal("blocked too early")
		}
		l.add("k", now)
	}
	if wait, blocked := l.blocked("k", now.Add(10*time.Second)); !blocked || wait != 50*time.Second {
		t.Fatalf("wait=%v blocked=%v", wait, blocked)
	}
	if _, blocked := l.blocked("k", now.Add(time.Minute)); blocked {
		t.Fatal("window did not end")
	}
	l.add("k", now)
	l.reset("k")
	if _, blocked := l.blocked("k", now); blocked {
		t.Fatal("reset did not clear")
	}
}
