package mongostore

import (
	"strings"

	"github.com/formloom/formloom/engine/store"
)

// systemKeys maps the contract's system field names to stored names.
var systemKeys = map[string]string{
	store.FieldID:        keyID,
	store.FieldVersion:   keyVersion,
	store.FieldCreatedAt: keyCreatedAt,
	store.FieldUpdatedAt: keyUpdatedAt,
	store.FieldCreatedBy: keyCreatedBy,
	store.FieldUpdatedBy: keyUpdatedBy,
	store.FieldDeletedAt: keyDeletedAt,
}

// storedPath validates a contract field path and returns the dotted path of
// the stored layout ("stage" -> "d.stage", "_created_at" -> "_ca").
func storedPath(path string) (string, error) {
	segs, err := store.SplitPath(path)
	if err != nil {
		return "", err
	}
	if k, ok := systemKeys[path]; ok {
		return k, nil
	}
	return keyData + "." + strings.Join(segs, "."), nil
}

// lookupPath reads the value at a contract field path of a decoded document;
// ok is false when the path is missing. It does not descend into arrays.
func lookupPath(d store.Document, path string) (v any, ok bool) {
	switch path {
	case store.FieldID:
		return d.ID, true
	case store.FieldVersion:
		return float64(d.Version), true
	case store.FieldCreatedAt:
		return store.FormatTime(d.CreatedAt), true
	case store.FieldUpdatedAt:
		return store.FormatTime(d.UpdatedAt), true
	case store.FieldCreatedBy:
		return d.CreatedBy, true
	case store.FieldUpdatedBy:
		return d.UpdatedBy, true
	case store.FieldDeletedAt:
		if d.DeletedAt == nil {
			return nil, true
		}
		return store.FormatTime(*d.DeletedAt), true
	}
	var cur any = d.Data
	for _, seg := range strings.Split(path, ".") {
		m, isMap := cur.(map[string]any)
		if !isMap {
			return nil, false
		}
		cur, ok = m[seg]
		if !ok {
			return nil, false
		}
	}
	return cur, true
}
