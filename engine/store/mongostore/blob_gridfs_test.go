package mongostore

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	"github.com/formloom/formloom/engine/blob"
)

func TestGridFSRoundTrip(t *testing.T) {
	ctx := context.Background()
	g := openTest(t).Blobs()
	content := bytes.Repeat([]byte("合同内容 "), 100000) // > one 255 KiB chunk
	n, err := g.Put(ctx, "01jgridfs0001", bytes.NewReader(content))
	if err != nil || n != int64(len(content)) {
		t.Fatalf("put: %d %v", n, err)
	}
	rc, err := g.Open(ctx, "01jgridfs0001")
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || !bytes.Equal(got, content) {
		t.Fatalf("read back %d bytes, err %v", len(got), err)
	}
	if err := g.Delete(ctx, "01jgridfs0001"); err != nil {
		t.Fatal(err)
	}
	if _, err := g.Open(ctx, "01jgridfs0001"); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
	if err := g.Delete(ctx, "01jgridfs0001"); err != nil {
		t.Fatalf("delete of a missing file: %v", err)
	}
}
