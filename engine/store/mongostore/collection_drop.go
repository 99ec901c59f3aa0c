package mongostore

import (
	"context"

	"github.com/formloom/formloom/engine/store"
)

// DropCollection removes a collection and its indexes; a missing one is not an error.
func (s *Store) DropCollection(ctx context.Context, coll string) error {
	if err := s.check(); err != nil {
		return err
	}
	if err := store.ValidateCollection(coll); err != nil {
		return err
	}
	if err := s.db.Collection(coll).Drop(ctx); err != nil {
		return s.fail("drop "+coll, err)
	}
	s.indexMu.Lock()
	delete(s.uniqueIdx, coll)
	s.indexMu.Unlock()
	return nil
}
