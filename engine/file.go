package engine

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gabriel-vasile/mimetype"

	"github.com/formloom/formloom/engine/blob"
	"github.com/formloom/formloom/engine/store"
)

const collFiles = "files"

// DefaultMaxFileBytes is the upload limit when none is configured.
const DefaultMaxFileBytes = 20 << 20

// allowedFileTypes are the content types accepted for upload, judged from
// the bytes (sniffed), never from the name or the client's claim. Types a
// browser could run as a page (HTML, SVG) are refused.
var allowedFileTypes = map[string]bool{
	"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true, "image/bmp": true,
	"application/pdf": true, "text/plain": true, "text/csv": true, "application/json": true,
	"application/zip": true, "application/x-7z-compressed": true, "application/gzip": true,
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   true,
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         true,
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": true,
	"application/msword": true, "application/vnd.ms-excel": true, "application/vnd.ms-powerpoint": true,
	"application/x-ole-storage": true, "audio/mpeg": true, "audio/wav": true, "video/mp4": true, "video/quicktime": true,
}

// FileInfo describes an uploaded file.
type FileInfo struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Size        int64     `json:"size"`
	ContentType string    `json:"contentType"`
	SHA256      string    `json:"sha256"`
	CreatedAt   time.Time `json:"createdAt"`
	CreatedBy   string    `json:"createdBy"`
}

// UploadFile stores a file's content in the blob store and its metadata in
// the store. The content type is sniffed from the bytes; a type outside the
// allowed list or content over maxBytes is refused and nothing is kept.
func (e *Engine) UploadFile(ctx context.Context, a Actor, name string, r io.Reader, maxBytes int64) (FileInfo, error) {
	if err := a.check(); err != nil {
		return FileInfo{}, err
	}
	if e.blobs == nil {
		return FileInfo{}, fmt.Errorf("%w: no blob store configured", ErrInvalid)
	}
	name = path.Base(strings.ReplaceAll(strings.TrimSpace(name), `\`, "/"))
	if name == "" || name == "." || name == "/" || !utf8.ValidString(name) || utf8.RuneCountInString(name) > 255 {
		return FileInfo{}, invalid(fieldErr("name", CodeFileName, nil))
	}
	if maxBytes <= 0 {
		maxBytes = DefaultMaxFileBytes
	}
	head := make([]byte, 3072)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return FileInfo{}, fmt.Errorf("engine: read upload: %w", err)
	}
	head = head[:n]
	if n == 0 {
		return FileInfo{}, invalid(fieldErr("file", CodeFileEmpty, nil))
	}
	ct := mimetype.Detect(head)
	typ := ct.String()
	if i := strings.IndexByte(typ, ';'); i >= 0 {
		typ = typ[:i]
	}
	if !allowedFileTypes[typ] {
		return FileInfo{}, invalid(fieldErr("file", CodeFileType, map[string]any{"name": name, "type": typ}))
	}
	id := store.NewID()
	h := sha256.New()
	body := io.TeeReader(io.LimitReader(io.MultiReader(bytes.NewReader(head), r), maxBytes+1), h)
	size, err := e.blobs.Put(ctx, id, body)
	if err != nil {
		return FileInfo{}, fmt.Errorf("engine: store upload: %w", err)
	}
	if size > maxBytes {
		_ = e.blobs.Delete(ctx, id)
		return FileInfo{}, invalid(fieldErr("file", CodeFileTooLarge, map[string]any{"name": name, "max": maxBytes, "limit": humanBytes(maxBytes)}))
	}
	res, err := e.commit(ctx, store.UnitOfWork{Actor: a.UserID, Writes: []store.Write{{Op: store.OpInsert, Collection: collFiles,
		Doc: store.Document{ID: id, Data: map[string]any{"workspace": a.Workspace, "name": name, "size": size,
			"content_type": typ, "sha256": hex.EncodeToString(h.Sum(nil))}}}},
		Events: []store.Event{newEvent(EventFileUploaded, a.Workspace, collFiles, id, FilePayload{File: id, Name: name, Size: size, ContentType: typ})}})
	if err != nil {
		_ = e.blobs.Delete(ctx, id)
		return FileInfo{}, mapStoreErr(err)
	}
	return fileFrom(res.Docs[0]), nil
}

// File returns a file's metadata and content. A file attached to a record
// follows the record's permission: ref names the record and the field that
// lists the file, and the actor must see both. Without ref only the file's
// uploader (before a record refers to it) or a workspace admin may read it.
// Any refusal is ErrNotFound, so a file id tells nothing.
func (e *Engine) File(ctx context.Context, a Actor, id string, ref FileRef) (FileInfo, io.ReadCloser, error) {
	if err := a.check(); err != nil {
		return FileInfo{}, nil, err
	}
	d, err := e.liveScoped(ctx, collFiles, a.Workspace, id)
	if err != nil {
		return FileInfo{}, nil, err
	}
	if err := e.fileAllowed(ctx, a, id, d.CreatedBy, ref); err != nil {
		return FileInfo{}, nil, err
	}
	if e.blobs == nil {
		return FileInfo{}, nil, wrapNotFound("file", id)
	}
	rc, err := e.blobs.Open(ctx, id)
	if errors.Is(err, blob.ErrNotFound) {
		return FileInfo{}, nil, wrapNotFound("file", id)
	}
	if err != nil {
		return FileInfo{}, nil, err
	}
	return fileFrom(d), rc, nil
}

func fileFrom(d store.Document) FileInfo {
	size, _ := d.Data["size"].(float64)
	return FileInfo{ID: d.ID, Name: str(d.Data, "name"), Size: int64(size), ContentType: str(d.Data, "content_type"),
		SHA256: str(d.Data, "sha256"), CreatedAt: d.CreatedAt, CreatedBy: d.CreatedBy}
}

// humanBytes renders a size limit for messages: "20 MB", "512 KB".
func humanBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}
