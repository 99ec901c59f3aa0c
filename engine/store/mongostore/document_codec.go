package mongostore

import (
	"fmt"
	"sort"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/formloom/formloom/engine/store"
)

// Stored field names of the document layout (see the package comment).
const (
	keyID        = "_id"
	keyVersion   = "_v"
	keyCreatedAt = "_ca"
	keyUpdatedAt = "_ua"
	keyCreatedBy = "_cb"
	keyUpdatedBy = "_ub"
	keyDeletedAt = "_da"
	keyLive      = "_live"
	keyData      = "d"
	// keyInnerArray wraps an array that is an element of another array:
	// FerretDB refuses nested arrays, so every backend stores them as
	// {"_a": [...]}. Data keys never start with "_", so it cannot clash.
	keyInnerArray = "_a"
)

// encodeDocument renders a normalized document in the stored layout.
func encodeDocument(d store.Document) bson.D {
	var deleted any
	if d.DeletedAt != nil {
		deleted = store.FormatTime(*d.DeletedAt)
	}
	return bson.D{
		{Key: keyID, Value: d.ID},
		{Key: keyVersion, Value: d.Version},
		{Key: keyCreatedAt, Value: store.FormatTime(d.CreatedAt)},
		{Key: keyUpdatedAt, Value: store.FormatTime(d.UpdatedAt)},
		{Key: keyCreatedBy, Value: d.CreatedBy},
		{Key: keyUpdatedBy, Value: d.UpdatedBy},
		{Key: keyDeletedAt, Value: deleted},
		{Key: keyLive, Value: d.DeletedAt == nil},
		{Key: keyData, Value: encodeValue(d.Data)},
	}
}

// encodeValue turns a canonical JSON value into BSON with object keys in a
// fixed (sorted) order, so equal objects compare equal on the server.
func encodeValue(v any) any { return encodeIn(v, false) }

func encodeIn(v any, inArray bool) any {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := make(bson.D, len(keys))
		for i, k := range keys {
			out[i] = bson.E{Key: k, Value: encodeIn(x[k], false)}
		}
		return out
	case []any:
		out := make(bson.A, len(x))
		for i, e := range x {
			out[i] = encodeIn(e, true)
		}
		if inArray {
			return bson.D{{Key: keyInnerArray, Value: out}}
		}
		return out
	}
	return v
}

// decodeDocument reads a stored document.
func decodeDocument(raw bson.Raw) (store.Document, error) {
	var d store.Document
	elems, err := raw.Elements()
	if err != nil {
		return d, fmt.Errorf("mongostore: corrupt document: %w", err)
	}
	for _, e := range elems {
		v := e.Value()
		switch e.Key() {
		case keyID:
			d.ID, _ = v.StringValueOK()
		case keyVersion:
			d.Version, _ = v.AsInt64OK()
		case keyCreatedAt:
			d.CreatedAt = decodeTime(v)
		case keyUpdatedAt:
			d.UpdatedAt = decodeTime(v)
		case keyCreatedBy:
			d.CreatedBy, _ = v.StringValueOK()
		case keyUpdatedBy:
			d.UpdatedBy, _ = v.StringValueOK()
		case keyDeletedAt:
			if v.Type != bson.TypeNull {
				t := decodeTime(v)
				d.DeletedAt = &t
			}
		case keyData:
			data, err := decodeValue(v, 0)
			if err != nil {
				return d, err
			}
			m, ok := data.(map[string]any)
			if !ok {
				return d, fmt.Errorf("mongostore: corrupt document %q: data is not an object", d.ID)
			}
			d.Data = m
		}
	}
	if d.Data == nil {
		d.Data = map[string]any{}
	}
	return d, nil
}

func decodeTime(v bson.RawValue) time.Time {
	if s, ok := v.StringValueOK(); ok {
		t, err := store.ParseTime(s)
		if err == nil {
			return t
		}
	}
	if t, ok := v.TimeOK(); ok {
		return t.UTC()
	}
	return time.Time{}
}

// decodeValue converts one BSON value to the canonical JSON value model:
// every number becomes float64, dates become TimeLayout strings.
func decodeValue(v bson.RawValue, depth int) (any, error) {
	if depth > 64 {
		return nil, fmt.Errorf("mongostore: stored value nested too deep")
	}
	switch v.Type {
	case bson.TypeNull, bson.TypeUndefined:
		return nil, nil
	case bson.TypeDouble:
		return v.Double(), nil
	case bson.TypeInt32:
		return float64(v.Int32()), nil
	case bson.TypeInt64:
		return float64(v.Int64()), nil
	case bson.TypeDecimal128:
		f, err := strconv.ParseFloat(v.Decimal128().String(), 64)
		if err != nil {
			return nil, fmt.Errorf("mongostore: decimal %s is not a finite number", v.Decimal128())
		}
		return f, nil
	case bson.TypeString:
		return v.StringValue(), nil
	case bson.TypeBoolean:
		return v.Boolean(), nil
	case bson.TypeDateTime:
		return store.FormatTime(v.Time()), nil
	case bson.TypeObjectID:
		return v.ObjectID().Hex(), nil
	case bson.TypeEmbeddedDocument:
		elems, err := v.Document().Elements()
		if err != nil {
			return nil, fmt.Errorf("mongostore: corrupt value: %w", err)
		}
		out := make(map[string]any, len(elems))
		for _, e := range elems {
			x, err := decodeValue(e.Value(), depth+1)
			if err != nil {
				return nil, err
			}
			out[e.Key()] = x
		}
		if inner, ok := out[keyInnerArray].([]any); ok && len(out) == 1 {
			return inner, nil
		}
		return out, nil
	case bson.TypeArray:
		vals, err := v.Array().Values()
		if err != nil {
			return nil, fmt.Errorf("mongostore: corrupt value: %w", err)
		}
		out := make([]any, len(vals))
		for i, e := range vals {
			x, err := decodeValue(e, depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	}
	return nil, fmt.Errorf("mongostore: stored value of BSON type %s has no JSON form", v.Type)
}

// decodeAny converts a value the driver decoded into an interface (as in
// aggregation results) to the canonical model, by way of raw BSON.
func decodeAny(v any) (any, error) {
	t, data, err := bson.MarshalValue(v)
	if err != nil {
		return nil, fmt.Errorf("mongostore: re-encode value: %w", err)
	}
	return decodeValue(bson.RawValue{Type: t, Value: data}, 0)
}
