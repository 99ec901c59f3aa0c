package store

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"strings"
)

// SortKey orders results by one field path. Missing and null values sort
// first in ascending order and last in descending order on every backend.
type SortKey struct {
	Field string `json:"field"`
	Desc  bool   `json:"desc,omitempty"`
}

// Deleted selects documents by their recycle-bin state.
type Deleted int

// Recycle-bin selections.
const (
	// ExcludeDeleted (the default) returns only live documents.
	ExcludeDeleted Deleted = iota
	// OnlyDeleted returns only documents in the recycle bin.
	OnlyDeleted
	// IncludeDeleted returns both.
	IncludeDeleted
)

// Query selects, orders and pages documents of one collection.
// Results are always ordered by Sort and then by _id ascending, so pages are stable.
type Query struct {
	Filter *Filter
	Sort   []SortKey
	// Limit is the page size: 0 means DefaultPageSize; at most MaxPageSize.
	Limit int
	// Offset skips documents (offset pagination). Not combinable with After.
	Offset int
	// After is the NextCursor of the previous page (keyset pagination).
	After   string
	Deleted Deleted
}

// Page is one page of results. NextCursor is empty on the last page.
type Page struct {
	Docs       []Document
	NextCursor string
}

// NormalizeQuery validates q and fills defaults; backends call it first.
func NormalizeQuery(q Query) (Query, error) {
	f, err := q.Filter.Normalize()
	if err != nil {
		return Query{}, err
	}
	q.Filter = f
	if err := ValidateSort(q.Sort); err != nil {
		return Query{}, err
	}
	if q.Limit < 0 || q.Limit > MaxPageSize {
		return Query{}, filterErr("limit", "must be between 1 and %d", MaxPageSize)
	}
	if q.Limit == 0 {
		q.Limit = DefaultPageSize
	}
	if q.Offset < 0 {
		return Query{}, filterErr("offset", "must not be negative")
	}
	if q.Offset > 0 && q.After != "" {
		return Query{}, filterErr("offset", "cannot be combined with a cursor")
	}
	if q.Deleted < ExcludeDeleted || q.Deleted > IncludeDeleted {
		return Query{}, filterErr("deleted", "unknown recycle-bin selection")
	}
	return q, nil
}

// ValidateSort checks sort keys.
func ValidateSort(keys []SortKey) error {
	if len(keys) > MaxSortKeys {
		return filterErr("sort", "more than %d keys", MaxSortKeys)
	}
	for i, k := range keys {
		if _, err := SplitPath(k.Field); err != nil {
			return filterErr(fmt.Sprintf("sort[%d]", i), "%v", unwrapMsg(err))
		}
	}
	return nil
}

// Cursor is the decoded position after the last document of a page: the
// values of its sort keys and its id.
type Cursor struct {
	Values []any
	ID     string
}

type cursorJSON struct {
	S uint32 `json:"s"`
	V []any  `json:"v"`
	I string `json:"i"`
}

func sortHash(keys []SortKey) uint32 {
	h := fnv.New32a()
	for _, k := range keys {
		h.Write([]byte(k.Field))
		if k.Desc {
			h.Write([]byte{1})
		} else {
			h.Write([]byte{0})
		}
	}
	return h.Sum32()
}

// EncodeCursor makes the opaque cursor for a position under the given sort.
func EncodeCursor(keys []SortKey, c Cursor) string {
	b, _ := json.Marshal(cursorJSON{S: sortHash(keys), V: c.Values, I: c.ID})
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor reads a cursor made by EncodeCursor for the same sort. A
// cursor that is malformed or was made under another sort is ErrInvalidFilter.
func DecodeCursor(keys []SortKey, s string) (Cursor, error) {
	if len(s) > 16<<10 {
		return Cursor{}, filterErr("cursor", "too long")
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, filterErr("cursor", "malformed")
	}
	var cj cursorJSON
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	if err := dec.Decode(&cj); err != nil || cj.I == "" {
		return Cursor{}, filterErr("cursor", "malformed")
	}
	if cj.S != sortHash(keys) || len(cj.V) != len(keys) {
		return Cursor{}, filterErr("cursor", "was made for a different sort")
	}
	vals := make([]any, len(cj.V))
	for i, v := range cj.V {
		n, err := scalar(v, true)
		if err != nil {
			return Cursor{}, filterErr("cursor", "malformed value")
		}
		vals[i] = n
	}
	return Cursor{Values: vals, ID: cj.I}, nil
}
