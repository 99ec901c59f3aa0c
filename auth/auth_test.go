package auth

import (
	"errors"
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
}

func TestThrottle(t *testing.T) {
	th := newThrottle(2, time.Second, 8*time.Second)
	now := time.Unix(1000, 0)
	const a, b = "192.0.2.1", "198.51.100.7"
	scenarios := []struct {
		name string
		fail bool
		ip   string
		at   time.Duration
		wait time.Duration // 0: not blocked
	}{
		{name: "first failure is free", fail: true, ip: a, at: 0},
		{name: "still free", ip: a, at: 0},
		{name: "second failure is free", fail: true, ip: a, at: 0},
		{name: "third failure starts the backoff", fail: true, ip: a, at: 0},
		{name: "blocked for 1s", ip: a, at: 0, wait: time.Second},
		{name: "another address is never blocked", ip: b, at: 0},
		{name: "after the wait", ip: a, at: time.Second},
		{name: "fourth failure doubles", fail: true, ip: a, at: time.Second},
		{name: "blocked for 2s", ip: a, at: time.Second, wait: 2 * time.Second},
		{name: "fifth failure doubles again", fail: true, ip: a, at: 3 * time.Second},
		{name: "blocked for 4s", ip: a, at: 3 * time.Second, wait: 4 * time.Second},
		{name: "sixth failure", fail: true, ip: a, at: 7 * time.Second},
		{name: "capped at 8s", fail: true, ip: a, at: 15 * time.Second},
		{name: "still capped", ip: a, at: 15 * time.Second, wait: 8 * time.Second},
	}
	for _, s := range scenarios {
		at := now.Add(s.at)
		if s.fail {
			th.fail(s.ip, "li@example.com", at)
			continue
		}
		wait, blocked := th.wait(s.ip, "li@example.com", at)
		if blocked != (s.wait > 0) || wait != s.wait {
			t.Errorf("%s: wait=%v blocked=%v, want %v", s.name, wait, blocked, s.wait)
		}
	}
	th.succeed(a, "li@example.com")
	if _, blocked := th.wait(a, "li@example.com", now.Add(15*time.Second)); blocked {
		t.Error("a success did not clear the pair")
	}
	th.fail(b, "li@example.com", now)
	th.fail(b, "li@example.com", now)
	th.fail(b, "li@example.com", now)
	th.forgetAccount("LI@example.com ")
	if _, blocked := th.wait(b, "li@example.com", now); blocked {
		t.Error("forgetAccount did not clear the account")
	}
}

func TestCheckPassword(t *testing.T) {
	scenarios := []struct {
		pw       string
		personal []string
		code     string // "" accepted
	}{
		{pw: "short", code: "min_length"},
		{pw: "password", code: CodePasswordCommon},
		{pw: "12345678", code: CodePasswordCommon},
		{pw: "Passw0rd!", code: CodePasswordCommon},
		{pw: "qwertyuiop", code: CodePasswordCommon},
		{pw: "li@example.com", personal: []string{"li@example.com", "李四"}, code: CodePasswordPersonal},
		{pw: "zhangwei-formloom", personal: []string{"zhangwei@example.com", "Zhang Wei"}, code: CodePasswordPersonal},
		{pw: "my name is 王小明!", personal: []string{"wxm@example.com", "王小明"}, code: CodePasswordPersonal},
		{pw: "aaaaaaaaaa", code: CodePasswordWeak},
		{pw: "correct horse battery", personal: []string{"admin@example.com", "管理员"}},
		{pw: "member password", personal: []string{"m@example.com", "成员"}},
		{pw: strings.Repeat("x", MaxPasswordLength+1), code: "max_length"},
	}
	for _, s := range scenarios {
		err := CheckPassword(s.pw, s.personal...)
		var pe *PasswordError
		got := ""
		if errors.As(err, &pe) {
			got = pe.Field.Code
		} else if err != nil {
			t.Fatalf("%q: %v", s.pw, err)
		}
		if got != s.code {
			t.Errorf("CheckPassword(%q) = %q, want %q", s.pw, got, s.code)
		}
	}
}
