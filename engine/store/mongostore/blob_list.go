package mongostore

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Each calls fn with the key and size of every complete file in the
// bucket, in key order; backup and migration use it to copy the files.
func (g *GridFS) Each(ctx context.Context, fn func(key string, size int64) error) error {
	cur, err := g.bucket.Find(ctx, bson.D{}, options.GridFSFind().SetSort(bson.D{{Key: keyID, Value: 1}}))
	if err != nil {
		return g.s.fail("list files", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var f struct {
			ID     any   `bson:"_id"`
			Length int64 `bson:"length"`
		}
		if err := cur.Decode(&f); err != nil {
			return g.s.fail("list files", err)
		}
		key, ok := f.ID.(string)
		if !ok {
			return fmt.Errorf("mongostore: file %v in the files bucket has no Formloom key", f.ID)
		}
		if err := fn(key, f.Length); err != nil {
			return err
		}
	}
	if err := cur.Err(); err != nil {
		return g.s.fail("list files", err)
	}
	return nil
}
