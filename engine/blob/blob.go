// Package blob stores file contents for attachment, image and signature
// fields. The engine keeps file metadata in its store; contents go to a
// blob store: local disk by default, GridFS (in mongostore) when several
// processes share one MongoDB.
package blob

import (
	"context"
	"errors"
	"io"
)

// ErrNotFound means no content exists under the key.
var ErrNotFound = errors.New("blob: not found")

// Store keeps file contents by key. Keys are engine-made ids (printable
// ASCII without "/" or ".."), never user input.
type Store interface {
	// Put stores the content of r under key and returns its size.
	Put(ctx context.Context, key string, r io.Reader) (int64, error)
	// Open returns the content under key; ErrNotFound if none.
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	// Delete removes the content under key; a missing key is not an error.
	Delete(ctx context.Context, key string) error
}
