package mongostore

import (
	"context"
	"errors"
	"fmt"
	"io"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/formloom/formloom/engine/blob"
)

// GridFS keeps file contents in the store's MongoDB database (bucket
// "files"), so that every Formloom process sharing the database serves the
// same files.
type GridFS struct {
	s      *Store
	bucket *mongo.GridFSBucket
}

var _ blob.Store = (*GridFS)(nil)

// Blobs returns a GridFS blob store in the store's database.
func (s *Store) Blobs() *GridFS {
	return &GridFS{s: s, bucket: s.db.GridFSBucket(options.GridFSBucket().SetName("files"))}
}

// Put implements blob.Store. A failed upload is aborted, leaving no partial file.
func (g *GridFS) Put(ctx context.Context, key string, r io.Reader) (int64, error) {
	us, err := g.bucket.OpenUploadStreamWithID(ctx, key, key)
	if err != nil {
		return 0, g.s.fail("gridfs upload "+key, err)
	}
	n, err := io.Copy(us, r)
	if err != nil {
		_ = us.Abort()
		return 0, fmt.Errorf("mongostore: gridfs upload %s: %w", key, err)
	}
	if err := us.Close(); err != nil {
		return 0, g.s.fail("gridfs upload "+key, err)
	}
	return n, nil
}

// Open implements blob.Store.
func (g *GridFS) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	ds, err := g.bucket.OpenDownloadStream(ctx, key)
	if errors.Is(err, mongo.ErrFileNotFound) {
		return nil, blob.ErrNotFound
	}
	if err != nil {
		return nil, g.s.fail("gridfs download "+key, err)
	}
	return ds, nil
}

// Delete implements blob.Store.
func (g *GridFS) Delete(ctx context.Context, key string) error {
	err := g.bucket.Delete(ctx, key)
	if err == nil || errors.Is(err, mongo.ErrFileNotFound) {
		return nil
	}
	return g.s.fail("gridfs delete "+key, err)
}
