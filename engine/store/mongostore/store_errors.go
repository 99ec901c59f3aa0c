package mongostore

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/formloom/formloom/engine/store"
)

// Internal collections; their names cannot be contract collection names.
const (
	collOutbox   = "_outbox"
	collCounters = "_counters"
	collQueue    = "_queue"
	// collQueueKeys holds one lock per queue key while an item of it is leased.
	collQueueKeys = "_queue_keys"
)

// fail wraps a driver error for callers: the message is kept, the driver
// type is not. Context errors stay matchable with errors.Is.
func (s *Store) fail(what string, err error) error {
	switch {
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("mongostore: %s: %w", what, context.Canceled)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("mongostore: %s: %w", what, context.DeadlineExceeded)
	case errors.Is(err, mongo.ErrNoDocuments):
		return fmt.Errorf("mongostore: %s: %w", what, store.ErrNotFound)
	case errors.Is(err, mongo.ErrClientDisconnected):
		return fmt.Errorf("mongostore: %s: %w", what, store.ErrClosed)
	}
	if isUnsupported(err) {
		return fmt.Errorf("mongostore: %s: %w: %s", what, store.ErrUnsupported, err.Error())
	}
	return fmt.Errorf("mongostore: %s: %s", what, err.Error())
}

// isDuplicate reports whether err is a duplicate-key error: code 11000, or
// FerretDB's SQLite "UNIQUE constraint failed", which it reports as an
// internal error from findAndModify and createIndexes.
func isDuplicate(err error) bool {
	return mongo.IsDuplicateKeyError(err) || strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// isUnsupported reports whether the server refused a feature it lacks.
func isUnsupported(err error) bool {
	var se mongo.ServerError
	if errors.As(err, &se) {
		return se.HasErrorCode(238) || se.HasErrorCode(115) // NotImplemented, CommandNotSupported
	}
	return false
}

// dupIndexName finds the index in MongoDB's message ("index: NAME dup
// key") or FerretDB's ("index 'TABLE_NAME'", where NAME has our prefix).
var dupIndexName = regexp.MustCompile(`index: (\S+) dup key|index '[^']*?_(` + indexPrefix + `[a-z0-9_]+_[0-9a-f]{8})'`)

// duplicate builds the contract's error for a duplicate-key error on coll.
// MongoDB names the index in its message; FerretDB does not, so then the
// index is found by a follow-up read: the _id, or the unique index whose
// values another document already holds.
func (s *Store) duplicate(ctx context.Context, coll string, doc *store.Document, insert bool, err error) error {
	if m := dupIndexName.FindStringSubmatch(err.Error()); m != nil {
		name := m[1]
		if name == "" {
			name = m[2]
		}
		if name == "_id_" {
			return &store.DuplicateError{Collection: coll, Index: store.FieldID, Fields: []string{store.FieldID}}
		}
		for _, ix := range s.uniqueIndexes(ctx, coll) {
			if indexName(ix) == name {
				return &store.DuplicateError{Collection: coll, Index: ix.Name, Fields: indexFields(ix)}
			}
		}
		return &store.DuplicateError{Collection: coll, Index: strings.TrimPrefix(name, indexPrefix)}
	}
	if doc != nil {
		if ix, ok := s.findClash(ctx, coll, *doc, insert); ok {
			return &store.DuplicateError{Collection: coll, Index: ix.Name, Fields: indexFields(ix)}
		}
	}
	return &store.DuplicateError{Collection: coll}
}

func indexFields(ix store.Index) []string {
	out := make([]string, len(ix.Fields))
	for i, f := range ix.Fields {
		out[i] = f.Field
	}
	return out
}
