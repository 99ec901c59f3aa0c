package mongostore

import (
	"context"
	"fmt"
	"hash/fnv"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/formloom/formloom/engine/store"
)

// indexPrefix marks the indexes EnsureIndexes manages; the prefix is the
// registry: an index with it that is not declared any more is dropped, and
// others (the _id index, ones an operator added) are left alone.
const indexPrefix = "fl_"

// presentTypes are the BSON types a present, non-null value can have. A
// partial unique index covers a document only when every indexed field has
// one of them (partialFilterExpression has no "not null").
var presentTypes = bson.A{"number", "string", "bool", "object", "array"}

// indexName is the server-side name of a declared index: the declared name
// plus a hash of its definition, so a changed definition is a new index.
func indexName(ix store.Index) string {
	h := fnv.New32a()
	for _, f := range ix.Fields {
		fmt.Fprintf(h, "%s/%t;", f.Field, f.Desc)
	}
	fmt.Fprintf(h, "unique=%t", ix.Unique)
	return fmt.Sprintf("%s%s_%08x", indexPrefix, ix.Name, h.Sum32())
}

func validateIndexes(indexes []store.Index) error {
	seen := map[string]bool{}
	for i, ix := range indexes {
		if !store.ValidKey(ix.Name) {
			return fmt.Errorf("%w: index %d: name %q must match ^[a-z][a-z0-9_]{0,62}$", store.ErrInvalidInput, i, ix.Name)
		}
		if seen[ix.Name] {
			return fmt.Errorf("%w: index name %q declared twice", store.ErrInvalidInput, ix.Name)
		}
		seen[ix.Name] = true
		if len(ix.Fields) == 0 || len(ix.Fields) > store.MaxSortKeys {
			return fmt.Errorf("%w: index %q needs 1 to %d fields", store.ErrInvalidInput, ix.Name, store.MaxSortKeys)
		}
		for _, f := range ix.Fields {
			if _, err := storedPath(f.Field); err != nil {
				return fmt.Errorf("%w: index %q: %s", store.ErrInvalidInput, ix.Name, err.Error())
			}
		}
	}
	return nil
}

// indexModel renders a declared index. Unique indexes are partial (live
// documents whose fields are all present and not null) where the server
// supports it; elsewhere they are plain unique indexes, which also count
// deleted documents and null values (Capabilities.PartialUniqueIndexes).
func (s *Store) indexModel(ix store.Index) mongo.IndexModel {
	keys := make(bson.D, len(ix.Fields))
	for i, f := range ix.Fields {
		p, _ := storedPath(f.Field)
		dir := 1
		if f.Desc {
			dir = -1
		}
		keys[i] = bson.E{Key: p, Value: dir}
	}
	o := options.Index().SetName(indexName(ix))
	if ix.Unique {
		o.SetUnique(true)
		if s.caps.PartialUniqueIndexes {
			partial := bson.D{{Key: keyLive, Value: true}}
			for _, k := range keys {
				partial = append(partial, bson.E{Key: k.Key, Value: bson.D{{Key: "$type", Value: presentTypes}}})
			}
			o.SetPartialFilterExpression(partial)
		}
	}
	return mongo.IndexModel{Keys: keys, Options: o}
}

// EnsureIndexes makes the managed indexes of coll exactly the declared set.
func (s *Store) EnsureIndexes(ctx context.Context, coll string, indexes []store.Index) error {
	if err := s.check(); err != nil {
		return err
	}
	if err := store.ValidateCollection(coll); err != nil {
		return err
	}
	if err := validateIndexes(indexes); err != nil {
		return err
	}
	c := s.db.Collection(coll)
	existing, err := s.listManaged(ctx, coll)
	if err != nil {
		return err
	}
	want := map[string]store.Index{}
	for _, ix := range indexes {
		want[indexName(ix)] = ix
	}
	for name := range existing {
		if _, ok := want[name]; ok {
			continue
		}
		if err := c.Indexes().DropOne(ctx, name); err != nil {
			return s.fail("drop index "+name, err)
		}
		s.log.Info("dropped index no longer declared", "collection", coll, "index", name)
	}
	var unique []store.Index
	for _, ix := range indexes {
		if ix.Unique {
			unique = append(unique, ix)
		}
		if _, ok := existing[indexName(ix)]; ok {
			continue
		}
		if _, err := c.Indexes().CreateOne(ctx, s.indexModel(ix)); err != nil {
			if isDuplicate(err) {
				return &store.DuplicateError{Collection: coll, Index: ix.Name, Fields: indexFields(ix)}
			}
			return s.fail("create index "+ix.Name+" on "+coll, err)
		}
	}
	s.indexMu.Lock()
	s.uniqueIdx[coll] = unique
	s.indexMu.Unlock()
	return nil
}

// listManaged returns the managed indexes of coll by server-side name.
func (s *Store) listManaged(ctx context.Context, coll string) (map[string]store.Index, error) {
	cur, err := s.db.Collection(coll).Indexes().List(ctx)
	if err != nil {
		return nil, s.fail("list indexes of "+coll, err)
	}
	var specs []struct {
		Name   string `bson:"name"`
		Key    bson.D `bson:"key"`
		Unique bool   `bson:"unique"`
	}
	if err := cur.All(ctx, &specs); err != nil {
		return nil, s.fail("list indexes of "+coll, err)
	}
	out := map[string]store.Index{}
	for _, sp := range specs {
		if !strings.HasPrefix(sp.Name, indexPrefix) {
			continue
		}
		ix := store.Index{Name: declaredName(sp.Name), Unique: sp.Unique}
		for _, k := range sp.Key {
			desc := false
			if n, ok := k.Value.(int32); ok && n < 0 {
				desc = true
			} else if f, ok := k.Value.(float64); ok && f < 0 {
				desc = true
			} else if n, ok := k.Value.(int64); ok && n < 0 {
				desc = true
			}
			ix.Fields = append(ix.Fields, store.SortKey{Field: contractPath(k.Key), Desc: desc})
		}
		out[sp.Name] = ix
	}
	return out, nil
}

// declaredName strips the prefix and the definition hash from a server-side name.
func declaredName(name string) string {
	name = strings.TrimPrefix(name, indexPrefix)
	if i := strings.LastIndexByte(name, '_'); i > 0 {
		return name[:i]
	}
	return name
}

// contractPath maps a stored path back to the contract's field path.
func contractPath(p string) string {
	for field, key := range systemKeys {
		if key == p {
			return field
		}
	}
	return strings.TrimPrefix(p, keyData+".")
}

// uniqueIndexes returns the declared unique indexes of coll, from the cache
// EnsureIndexes fills or from the server.
func (s *Store) uniqueIndexes(ctx context.Context, coll string) []store.Index {
	s.indexMu.Lock()
	list, ok := s.uniqueIdx[coll]
	s.indexMu.Unlock()
	if ok {
		return list
	}
	existing, err := s.listManaged(ctx, coll)
	if err != nil {
		return nil
	}
	for _, ix := range existing {
		if ix.Unique {
			list = append(list, ix)
		}
	}
	s.indexMu.Lock()
	s.uniqueIdx[coll] = list
	s.indexMu.Unlock()
	return list
}

// findClash finds the unique index that doc (as it is about to be written)
// collides on, by reading: the _id, or a unique index whose values another
// document already holds.
func (s *Store) findClash(ctx context.Context, coll string, doc store.Document, insert bool) (store.Index, bool) {
	c := s.db.Collection(coll)
	for _, ix := range s.uniqueIndexes(ctx, coll) {
		filter := bson.D{{Key: keyID, Value: bson.D{{Key: "$ne", Value: doc.ID}}}}
		if s.caps.PartialUniqueIndexes {
			filter = append(filter, bson.E{Key: keyLive, Value: true})
		}
		complete := true
		for _, f := range ix.Fields {
			v, ok := lookupPath(doc, f.Field)
			if !ok || (v == nil && s.caps.PartialUniqueIndexes) {
				complete = false
				break
			}
			p, _ := storedPath(f.Field)
			filter = append(filter, bson.E{Key: p, Value: bson.D{{Key: "$eq", Value: encodeValue(v)}}})
		}
		if !complete {
			continue
		}
		n, err := c.CountDocuments(ctx, filter, options.Count().SetLimit(1))
		if err == nil && n > 0 {
			return ix, true
		}
	}
	if !insert {
		return store.Index{}, false
	}
	n, err := c.CountDocuments(ctx, bson.D{{Key: keyID, Value: doc.ID}}, options.Count().SetLimit(1))
	if err == nil && n > 0 {
		return store.Index{Name: store.FieldID, Fields: []store.SortKey{{Field: store.FieldID}}}, true
	}
	return store.Index{}, false
}
