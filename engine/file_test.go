package engine_test

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"strings"
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/form"
)

func pngBytes(t testing.TB) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{R: 255, A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestUploadSniffsTypeAndLimitsSize(t *testing.T) {
	f := newFixture(t)
	info, err := f.e.UploadFile(f.ctx, f.member, "报价单.txt", bytes.NewReader(pngBytes(t)), 0)
	if err != nil {
		t.Fatal(err)
	}
	if info.ContentType != "image/png" || info.Name != "报价单.txt" || info.Size == 0 || len(info.SHA256) != 64 {
		t.Fatalf("upload: %+v", info)
	}
	got, rc, err := f.e.File(f.ctx, f.admin, info.ID, engine.FileRef{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(b, pngBytes(t)) || got.ID != info.ID {
		t.Fatal("content differs")
	}
	_, err = f.e.UploadFile(f.ctx, f.member, "page.png", strings.NewReader("<html><script>alert(1)</script></html>"), 0)
	if got := fieldErrors(t, err); got["file"] != "file_type" {
		t.Fatalf("html upload: %v", got)
	}
	_, err = f.e.UploadFile(f.ctx, f.member, "big.txt", strings.NewReader(strings.Repeat("a", 5000)), 4096)
	if got := fieldErrors(t, err); got["file"] != "file_too_large" {
		t.Fatalf("oversized upload: %v", got)
	}
	_, err = f.e.UploadFile(f.ctx, f.member, "../../etc/passwd", strings.NewReader("root"), 0)
	if err != nil {
		t.Fatalf("a path-like name is reduced to its base name, got %v", err)
	}
	other, _ := f.newWorkspace(t, "别家")
	if _, _, err := f.e.File(f.ctx, other, info.ID, engine.FileRef{}); !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("file across workspaces: %v", err)
	}
}

func TestImageFieldUsesSniffedFacts(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		formID := f.publish(t, f.admin, form.Definition{Fields: []form.Field{
			{Key: "photo", Type: "image", Label: "照片"},
			{Key: "docs", Type: "attachment", Label: "附件"},
		}})
		img, err := f.e.UploadFile(f.ctx, f.member, "a.png", bytes.NewReader(pngBytes(t)), 0)
		if err != nil {
			t.Fatal(err)
		}
		txt, err := f.e.UploadFile(f.ctx, f.member, "a.txt", strings.NewReader("plain text notes"), 0)
		if err != nil {
			t.Fatal(err)
		}
		r, err := f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{
			"photo": []any{map[string]any{"id": img.ID, "name": "lie.png", "size": 1, "contentType": "image/png"}},
			"docs":  []any{map[string]any{"id": txt.ID, "name": "a.txt", "size": 16, "contentType": "text/plain"}},
		}, engine.WriteOptions{})
		if err != nil {
			t.Fatal(describe(err))
		}
		photo := r.Data["photo"].([]any)[0].(map[string]any)
		if photo["name"] != "a.png" || photo["size"] != float64(img.Size) {
			t.Fatalf("stored file ref not taken from the upload: %v", photo)
		}
		_, err = f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{
			"photo": []any{map[string]any{"id": txt.ID, "name": "x.png", "size": 16, "contentType": "image/png"}},
		}, engine.WriteOptions{})
		if got := fieldErrors(t, err); got["photo[0]"] != "file_type" {
			t.Fatalf("text file as image: %v", got)
		}
		other, _ := f.newWorkspace(t, "别家")
		foreign, _ := f.e.UploadFile(f.ctx, other, "b.png", bytes.NewReader(pngBytes(t)), 0)
		_, err = f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{
			"photo": []any{map[string]any{"id": foreign.ID, "name": "b.png", "size": 1, "contentType": "image/png"}},
		}, engine.WriteOptions{})
		if got := fieldErrors(t, err); got["photo[0]"] != "not_found" {
			t.Fatalf("file of another workspace: %v", got)
		}
	})
}
