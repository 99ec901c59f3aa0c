package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// IdempotencyTTL is how long an Idempotency-Key replays the create it
// was first used for. After it the key is free again.
const IdempotencyTTL = 24 * time.Hour

// MaxIdempotencyKey bounds the length of an Idempotency-Key.
const MaxIdempotencyKey = 255

// collIdempotency keeps one document per key: the request's hash and the
// first answer. Its id is derived from the key's scope, so two requests
// with one key meet on the store's primary key.
const collIdempotency = "api_idempotency"

// CodeIdempotencyKey: an Idempotency-Key that is empty, too long or not
// printable ASCII.
const CodeIdempotencyKey = "idempotency_key"

// ErrIdempotencyReused: an Idempotency-Key already used, within
// IdempotencyTTL, for a create with another body.
var ErrIdempotencyReused = errors.New("idempotency key already used with another request")

// errIdemRaced: another request with the same key committed first; the
// caller reads its answer.
var errIdemRaced = errors.New("idempotency key reserved concurrently")

// CreateRecordOnce is CreateRecord under an Idempotency-Key, the API
// convention for integrators that retry. The key is scoped to the actor and
// the form. The first create with a key stores, in the record's own unit of
// work, the request's hash and the answer; for IdempotencyTTL a create with
// the same key and the same input and options answers that first record
// again (replayed is true) and writes nothing, and one with another input is
// ErrIdempotencyReused. Concurrent requests with one key create one record:
// the loser of the race on the key's document replays the winner's answer.
// A create that fails stores nothing, so it may be retried with its key.
func (e *Engine) CreateRecordOnce(ctx context.Context, a Actor, formID, key string, input map[string]any, opts WriteOptions) (r Record, replayed bool, err error) {
	if err := checkIdempotencyKey(key); err != nil {
		return Record{}, false, err
	}
	if err := e.allow(ctx, a, ActRecordCreate, Resource{Form: formID}); err != nil {
		return Record{}, false, err
	}
	hash, err := requestHash(input, opts)
	if err != nil {
		return Record{}, false, err
	}
	id := idempotencyID(a, formID, key)
	// Two rounds suffice: a lost race means the winner's document exists.
	for range 3 {
		prior, err := e.st.Get(ctx, collIdempotency, id)
		once := &idemReservation{id: id, key: key, hash: hash}
		switch {
		case err == nil && !idemExpired(prior, e.now()):
			r, err := idemReplay(prior, hash)
			return r, err == nil, err
		case err == nil:
			// Expired: the key is taken over by a compare-and-set, so two
			// late retries still race on one document.
			once.version = prior.Version
		case !errors.Is(err, store.ErrNotFound):
			return Record{}, false, mapStoreErr(err)
		}
		r, err := e.createRecord(ctx, a, formID, input, opts, once)
		if errors.Is(err, errIdemRaced) {
			continue
		}
		return r, false, err
	}
	return Record{}, false, fmt.Errorf("%w: idempotency key %q is contended", ErrConflict, key)
}

// idemReservation is the key a create reserves in its unit of work.
type idemReservation struct {
	id, key, hash string
	// version > 0 replaces an expired document of that version.
	version int64
}

// reserve puts the key's document first in u (so a backend without
// transactions fails on the key before it writes the record), with the
// answer the create will give: the record as the store will hold it, seen
// through the actor's mask.
func (o *idemReservation) reserve(ctx context.Context, w *write, u *store.UnitOfWork, mask *FieldMask) error {
	rec := u.Writes[0].Doc
	data, err := store.NormalizeData(rec.Data)
	if err != nil {
		return fmt.Errorf("idempotency: %w", err)
	}
	at := u.At.UTC().Truncate(time.Microsecond)
	first := recordFrom(store.Document{ID: rec.ID, Version: 1, Data: data, CreatedAt: at, UpdatedAt: at, CreatedBy: u.Actor, UpdatedBy: u.Actor})
	first = w.answer(ctx, w.v.Form, first, mask)
	body, err := json.Marshal(first)
	if err != nil {
		return fmt.Errorf("idempotency: %w", err)
	}
	doc := store.Document{ID: o.id, Data: map[string]any{"key": o.key, "hash": o.hash, "form": w.v.Form, "record": rec.ID,
		"response": string(body), "expires": store.FormatTime(at.Add(IdempotencyTTL))}}
	wr := store.Write{Op: store.OpInsert, Collection: collIdempotency, Doc: doc}
	if o.version > 0 {
		wr.Op, wr.ExpectVersion = store.OpUpdate, o.version
	}
	u.Writes = append([]store.Write{wr}, u.Writes...)
	return nil
}

// raced tells whether a commit failed because another request holds the key.
func (o *idemReservation) raced(err error) bool {
	var de *store.DuplicateError
	if errors.As(err, &de) && de.Collection == collIdempotency {
		return true
	}
	return o.version > 0 && errors.Is(err, store.ErrConflict)
}

// recordIndex is where the record is in the commit's documents: after the
// key's document when there is one.
func (o *idemReservation) recordIndex() int {
	if o == nil {
		return 0
	}
	return 1
}

// checkIdempotencyKey accepts 1 to MaxIdempotencyKey printable ASCII characters.
func checkIdempotencyKey(key string) error {
	bad := key == "" || len(key) > MaxIdempotencyKey
	for i := 0; i < len(key) && !bad; i++ {
		bad = key[i] < ' ' || key[i] > '~'
	}
	if bad {
		return invalid(fieldErr("Idempotency-Key", CodeIdempotencyKey, map[string]any{"max": MaxIdempotencyKey}))
	}
	return nil
}

// idempotencyID names the key's document: a hash of its scope (workspace,
// actor, form) and the key, so keys of different callers never meet.
func idempotencyID(a Actor, formID, key string) string {
	h := sha256.New()
	for _, s := range []string{a.Workspace, a.UserID, formID, key} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return "k" + hex.EncodeToString(h.Sum(nil))
}

// requestHash fingerprints a create: its input (encoding/json sorts map
// keys, so equal inputs hash alike) and the options that change its effect.
func requestHash(input map[string]any, opts WriteOptions) (string, error) {
	b, err := json.Marshal(struct {
		Input map[string]any `json:"input"`
		Skip  bool           `json:"skip"`
	}{input, opts.SkipAutomations})
	if err != nil {
		return "", invalid(fieldErr("data", CodeType, nil))
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// idemExpired tells whether a key's document is past IdempotencyTTL.
func idemExpired(d store.Document, now time.Time) bool {
	s, _ := d.Data["expires"].(string)
	t, err := store.ParseTime(s)
	return err != nil || !now.Before(t)
}

// idemReplay answers a repeated create from the key's document.
func idemReplay(d store.Document, hash string) (Record, error) {
	if h, _ := d.Data["hash"].(string); h != hash {
		return Record{}, ErrIdempotencyReused
	}
	s, _ := d.Data["response"].(string)
	var r Record
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		return Record{}, fmt.Errorf("idempotency: stored answer: %w", err)
	}
	return r, nil
}

// PurgeIdempotencyKeys deletes the keys past IdempotencyTTL (a daily
// schedule calls it; an expired key is ignored, and replaced by its next
// use, either way) and returns how many it deleted. It is housekeeping of
// request bookkeeping, not a change of data: it commits no event.
func (e *Engine) PurgeIdempotencyKeys(ctx context.Context) (int, error) {
	f := store.Where("expires", store.OpLte, store.FormatTime(e.now()))
	n := 0
	for {
		page, err := e.st.Find(ctx, collIdempotency, store.Query{Filter: &f, Limit: store.MaxPageSize})
		if err != nil || len(page.Docs) == 0 {
			return n, err
		}
		u := store.UnitOfWork{At: e.now()}
		for _, d := range page.Docs {
			u.Writes = append(u.Writes, store.Write{Op: store.OpHardDelete, Collection: collIdempotency, Doc: store.Document{ID: d.ID}})
		}
		if _, err := e.st.Commit(ctx, u); err != nil {
			return n, err
		}
		n += len(u.Writes)
	}
}
