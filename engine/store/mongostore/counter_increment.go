package mongostore

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/formloom/formloom/engine/store"
)

// Increment adds delta to the named counter and returns the new value. The
// $inc is atomic on MongoDB; on FerretDB concurrent increments can be lost
// (its issue #3040), so they are serialized within this process and
// AtomicCAS reports false.
func (s *Store) Increment(ctx context.Context, name string, delta int64) (int64, error) {
	if err := s.check(); err != nil {
		return 0, err
	}
	if err := store.ValidateID(name); err != nil {
		return 0, fmt.Errorf("counter name: %w", err)
	}
	if delta < 1 {
		return 0, fmt.Errorf("%w: counter delta must be at least 1", store.ErrInvalidInput)
	}
	unlock := s.lockSerial()
	defer unlock()
	var out struct {
		N int64 `bson:"n"`
	}
	filter := bson.D{{Key: keyID, Value: name}}
	update := bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: delta}}}}
	opts := options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)
	err := s.db.Collection(collCounters).FindOneAndUpdate(ctx, filter, update, opts).Decode(&out)
	if err != nil && isDuplicate(err) {
		// Two first increments raced to create the counter; the loser's
		// retry finds the document and increments it.
		err = s.db.Collection(collCounters).FindOneAndUpdate(ctx, filter, update, opts).Decode(&out)
	}
	if err != nil {
		return 0, s.fail("increment "+name, err)
	}
	return out.N, nil
}
