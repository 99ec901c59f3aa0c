package blob

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestLocalRoundTrip(t *testing.T) {
	ctx := context.Background()
	l, err := NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	n, err := l.Put(ctx, "01jabcdef", strings.NewReader("hello 世界"))
	if err != nil || n != int64(len("hello 世界")) {
		t.Fatalf("put: %d %v", n, err)
	}
	rc, err := l.Open(ctx, "01jabcdef")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != "hello 世界" {
		t.Fatalf("read %q", b)
	}
	if err := l.Delete(ctx, "01jabcdef"); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Open(ctx, "01jabcdef"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
	if err := l.Delete(ctx, "01jabcdef"); err != nil {
		t.Fatalf("delete missing: %v", err)
	}
}

func TestLocalRefusesUnsafeKeys(t *testing.T) {
	l, _ := NewLocal(t.TempDir())
	for _, k := range []string{"../etc/passwd", "a/b/cd", "..", "ab", "has space", "x.y.zz", strings.Repeat("a", 200)} {
		if _, err := l.Put(context.Background(), k, strings.NewReader("x")); err == nil {
			t.Errorf("key %q accepted", k)
		}
		if _, err := l.Open(context.Background(), k); !errors.Is(err, ErrNotFound) {
			t.Errorf("open %q: %v", k, err)
		}
	}
}

func TestLocalCancelledPutLeavesNothing(t *testing.T) {
	l, _ := NewLocal(t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.Put(ctx, "01jcancel", strings.NewReader("data")); err == nil {
		t.Fatal("put with cancelled context succeeded")
	}
	if _, err := l.Open(context.Background(), "01jcancel"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("partial file left: %v", err)
	}
}
