package mongostore

import (
	"context"
	"fmt"
	"sort"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/formloom/formloom/engine/store"
)

// Get returns one document, deleted or not.
func (s *Store) Get(ctx context.Context, coll, id string) (store.Document, error) {
	if err := s.check(); err != nil {
		return store.Document{}, err
	}
	if err := store.ValidateCollection(coll); err != nil {
		return store.Document{}, err
	}
	if err := store.ValidateID(id); err != nil {
		return store.Document{}, err
	}
	raw, err := s.db.Collection(coll).FindOne(ctx, bson.D{{Key: keyID, Value: id}}).Raw()
	if err != nil {
		return store.Document{}, s.fail("get "+coll+"/"+id, err)
	}
	return decodeDocument(raw)
}

// selection compiles the filter and recycle-bin state of a normalized query.
func (s *Store) selection(f *store.Filter, d store.Deleted) (bson.D, error) {
	cf, err := compiler{rowRanges: s.caps.Backend != "ferretdb"}.filter(f)
	if err != nil {
		return nil, err
	}
	return allOf(deletedClause(d), cf), nil
}

// Find returns one page of documents, ordered by q.Sort then _id.
func (s *Store) Find(ctx context.Context, coll string, q store.Query) (store.Page, error) {
	if err := s.check(); err != nil {
		return store.Page{}, err
	}
	if err := store.ValidateCollection(coll); err != nil {
		return store.Page{}, err
	}
	q, err := store.NormalizeQuery(q)
	if err != nil {
		return store.Page{}, err
	}
	filter, err := s.selection(q.Filter, q.Deleted)
	if err != nil {
		return store.Page{}, err
	}
	if q.After != "" {
		c, err := store.DecodeCursor(q.Sort, q.After)
		if err != nil {
			return store.Page{}, err
		}
		after, err := afterClause(q.Sort, c)
		if err != nil {
			return store.Page{}, err
		}
		filter = allOf(filter, after)
	}
	spec, err := sortSpec(q.Sort)
	if err != nil {
		return store.Page{}, err
	}
	fo := options.Find().SetSort(spec).SetLimit(int64(q.Limit) + 1)
	if q.Offset > 0 {
		fo.SetSkip(int64(q.Offset))
	}
	cur, err := s.db.Collection(coll).Find(ctx, filter, fo)
	if err != nil {
		return store.Page{}, s.fail("find in "+coll, err)
	}
	defer cur.Close(ctx)
	var page store.Page
	for cur.Next(ctx) {
		d, err := decodeDocument(cur.Current)
		if err != nil {
			return store.Page{}, err
		}
		page.Docs = append(page.Docs, d)
	}
	if err := cur.Err(); err != nil {
		return store.Page{}, s.fail("find in "+coll, err)
	}
	if len(page.Docs) > q.Limit {
		page.Docs = page.Docs[:q.Limit]
		last := page.Docs[len(page.Docs)-1]
		vals := make([]any, len(q.Sort))
		for i, k := range q.Sort {
			vals[i] = cursorValue(last, k.Field)
		}
		page.NextCursor = store.EncodeCursor(q.Sort, store.Cursor{Values: vals, ID: last.ID})
	}
	return page, nil
}

// Count counts the documents a query selects, ignoring paging.
func (s *Store) Count(ctx context.Context, coll string, q store.Query) (int64, error) {
	if err := s.check(); err != nil {
		return 0, err
	}
	if err := store.ValidateCollection(coll); err != nil {
		return 0, err
	}
	q, err := store.NormalizeQuery(q)
	if err != nil {
		return 0, err
	}
	filter, err := s.selection(q.Filter, q.Deleted)
	if err != nil {
		return 0, err
	}
	n, err := s.db.Collection(coll).CountDocuments(ctx, filter)
	if err != nil {
		return 0, s.fail("count in "+coll, err)
	}
	return n, nil
}

// Distinct returns the sorted distinct values of field (array elements
// count one by one), at most limit of them. Missing values are not listed;
// null is, when a document holds it.
func (s *Store) Distinct(ctx context.Context, coll, field string, q store.Query, limit int) ([]any, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if err := store.ValidateCollection(coll); err != nil {
		return nil, err
	}
	path, err := storedPath(field)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > store.MaxPageSize {
		return nil, &store.FilterError{Path: "limit", Reason: fmt.Sprintf("must be between 1 and %d", store.MaxPageSize)}
	}
	q, err = store.NormalizeQuery(q)
	if err != nil {
		return nil, err
	}
	filter, err := s.selection(q.Filter, q.Deleted)
	if err != nil {
		return nil, err
	}
	res := s.db.Collection(coll).Distinct(ctx, path, filter)
	if err := res.Err(); err != nil {
		return nil, s.fail("distinct in "+coll, err)
	}
	raw, err := res.Raw()
	if err != nil {
		return nil, s.fail("distinct in "+coll, err)
	}
	vals, err := raw.Values()
	if err != nil {
		return nil, s.fail("distinct in "+coll, err)
	}
	out := make([]any, 0, len(vals))
	for _, rv := range vals {
		v, err := decodeValue(rv, 0)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	sort.SliceStable(out, func(i, j int) bool { return store.CompareValues(out[i], out[j]) < 0 })
	out = compactSorted(out)
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// compactSorted drops adjacent equal values of a sorted list; the server
// already removed duplicates except across numeric types (1 and 1.0).
func compactSorted(list []any) []any {
	out := list[:0]
	for i, v := range list {
		if i > 0 && store.CompareValues(out[len(out)-1], v) == 0 {
			continue
		}
		out = append(out, v)
	}
	return out
}
