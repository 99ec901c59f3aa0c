package sqlitestore

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// preparedUnit is a normalized unit with its JSON encoded outside the
// writer goroutine, so callers do that work in parallel.
type preparedUnit struct {
	u        store.UnitOfWork
	data     [][]byte     // per write, for inserts and updates
	kinds    [][]pathKind // per write, value kinds by path
	payloads [][]byte     // per event, compressed with encs
	encs     []int64      // per event (outbox.enc)
	given    []any        // per event: 1 when the caller gave its id (outbox.given), else nil
	samples  [][]byte     // per event, its JSON text when it may train a dictionary
	items    [][]byte     // per queue item
}

// Commit applies u atomically; it returns once the transaction holding it
// is durable (see package doc).
func (s *Store) Commit(ctx context.Context, u store.UnitOfWork) (store.CommitResult, error) {
	if s.closed.Load() {
		return store.CommitResult{}, store.ErrClosed
	}
	nu, err := store.NormalizeUnit(u, s.now())
	if err != nil {
		return store.CommitResult{}, err
	}
	p, err := prepareUnit(nu, s.dicts)
	if err != nil {
		return store.CommitResult{}, err
	}
	for i, e := range u.Events {
		if e.ID != "" {
			p.given[i] = 1
		}
	}
	var res store.CommitResult
	j := &job{apply: func(tx *wtx) error {
		r, err := tx.applyUnit(p)
		res = r
		return err
	}}
	if p.samples != nil {
		j.after = func() {
			for i, b := range p.samples {
				if b != nil {
					s.dicts.sample(nu.Events[i].Collection, b)
				}
			}
		}
	}
	err = s.submit(ctx, j)
	if err != nil {
		return store.CommitResult{}, err
	}
	if len(nu.Events) > 0 || len(nu.Enqueue) > 0 {
		s.commits.Notify()
	}
	return res, nil
}

func prepareUnit(u store.UnitOfWork, dicts *eventDicts) (*preparedUnit, error) {
	p := &preparedUnit{
		u:        u,
		data:     make([][]byte, len(u.Writes)),
		kinds:    make([][]pathKind, len(u.Writes)),
		payloads: make([][]byte, len(u.Events)),
		encs:     make([]int64, len(u.Events)),
		given:    make([]any, len(u.Events)),
		items:    make([][]byte, len(u.Enqueue)),
	}
	for i, w := range u.Writes {
		if w.Op != store.OpInsert && w.Op != store.OpUpdate {
			continue
		}
		b, err := json.Marshal(w.Doc.Data)
		if err != nil {
			return nil, fmt.Errorf("%w: write %d: %v", store.ErrInvalidInput, i, err)
		}
		if len(b) > store.MaxDocumentBytes {
			return nil, fmt.Errorf("%w: write %d: document is larger than %d bytes", store.ErrInvalidInput, i, store.MaxDocumentBytes)
		}
		p.data[i] = b
		p.kinds[i] = pathKindsOf(w.Doc.Data)
	}
	for i, e := range u.Events {
		b, err := json.Marshal(e.Payload)
		if err != nil {
			return nil, fmt.Errorf("%w: event %d: %v", store.ErrInvalidInput, i, err)
		}
		if len(b) > store.MaxDocumentBytes {
			return nil, fmt.Errorf("%w: event %d: payload is larger than %d bytes", store.ErrInvalidInput, i, store.MaxDocumentBytes)
		}
		bp, _ := packBufs.Get().(*[]byte)
		if bp == nil {
			bp = new([]byte)
		}
		text := packEvent((*bp)[:0], e, b)
		enc, c, sample := dicts.encode(e.Collection, text)
		p.payloads[i], p.encs[i] = c, enc
		if sample && len(text) <= dictMaxBytes {
			if p.samples == nil {
				p.samples = make([][]byte, len(u.Events))
			}
			p.samples[i] = bytes.Clone(text)
		}
		if cap(text) <= maxPooledBuf {
			*bp = text[:0]
			packBufs.Put(bp)
		}
	}
	for i, it := range u.Enqueue {
		b, err := json.Marshal(it.Payload)
		if err != nil {
			return nil, fmt.Errorf("%w: queue item %d: %v", store.ErrInvalidInput, i, err)
		}
		if len(b) > store.MaxDocumentBytes {
			return nil, fmt.Errorf("%w: queue item %d: payload is larger than %d bytes", store.ErrInvalidInput, i, store.MaxDocumentBytes)
		}
		p.items[i] = b
	}
	return p, nil
}

func (tx *wtx) applyUnit(p *preparedUnit) (store.CommitResult, error) {
	u := p.u
	res := store.CommitResult{Docs: make([]store.Document, len(u.Writes))}
	at := store.FormatTime(u.At)
	for i, w := range u.Writes {
		var d store.Document
		var err error
		switch w.Op {
		case store.OpInsert:
			d, err = tx.insert(w, p.data[i], p.kinds[i], at)
		case store.OpUpdate:
			d, err = tx.update(w, p.data[i], p.kinds[i], at)
		case store.OpSoftDelete, store.OpRestore:
			d, err = tx.setDeleted(w, at)
		case store.OpHardDelete:
			d, err = tx.hardDelete(w)
		}
		if err != nil {
			return store.CommitResult{}, fmt.Errorf("write %d (%s %s): %w", i, w.Collection, w.Doc.ID, err)
		}
		res.Docs[i] = d
	}
	if len(u.Events) > 0 {
		res.Events = make([]store.Event, len(u.Events))
	}
	for i, e := range u.Events {
		// seq is the table's AUTOINCREMENT rowid: the insert's rowid is it.
		r, err := tx.exec(insertEventSQL, eventID(e.ID, p.given[i] != nil), eventMicros(e.At), p.encs[i], p.payloads[i], p.given[i])
		if err == nil {
			e.Seq, err = r.LastInsertId()
		}
		if err != nil {
			if isUnique(err) {
				return store.CommitResult{}, fmt.Errorf("event %d: %w: event id %q exists", i, store.ErrDuplicate, e.ID)
			}
			return store.CommitResult{}, fmt.Errorf("event %d: %w", i, err)
		}
		e.At = e.At.UTC().Truncate(time.Microsecond)
		res.Events[i] = e
	}
	for i, it := range u.Enqueue {
		if err := tx.enqueue(it, p.items[i]); err != nil {
			return store.CommitResult{}, fmt.Errorf("queue item %d: %w", i, err)
		}
	}
	return res, nil
}

func (tx *wtx) insert(w store.Write, data []byte, kinds []pathKind, at string) (store.Document, error) {
	if err := tx.ensureCollection(w.Collection); err != nil {
		return store.Document{}, err
	}
	if err := tx.noteCreatedAt(w.Collection, at); err != nil {
		return store.Document{}, err
	}
	d := w.Doc
	lay := tx.w.s.reg.layoutOf(w.Collection)
	q := lay.insertSQL(w.Collection, nil)
	args := lay.insertArgs(d, at, data)
	if vc := tx.w.s.reg.columns(w.Collection); vc != nil {
		q = vc.insertSQL
		for _, p := range vc.paths {
			args = append(args, columnValue(d.Data, p))
		}
	}
	_, err := tx.exec(q, args...)
	if err != nil {
		return store.Document{}, tx.writeErr(w.Collection, err)
	}
	if err := tx.recordKinds(w.Collection, kinds); err != nil {
		return store.Document{}, err
	}
	ts, _ := store.ParseTime(at)
	d.Version = 1
	d.CreatedAt, d.UpdatedAt = ts, ts
	d.DeletedAt = nil
	return d, nil
}

func (tx *wtx) update(w store.Write, data []byte, kinds []pathKind, at string) (store.Document, error) {
	if !tx.collectionExists(w.Collection) {
		return store.Document{}, store.ErrNotFound
	}
	d := w.Doc
	var created, createdBy string
	set := ""
	args := []any{data}
	if vc := tx.w.s.reg.columns(w.Collection); vc != nil {
		set = vc.updateSet
		for _, p := range vc.paths {
			args = append(args, columnValue(d.Data, p))
		}
	}
	args = append(args, at, d.UpdatedBy, d.ID, w.ExpectVersion, w.ExpectVersion)
	err := tx.queryRow(`UPDATE `+tableName(w.Collection)+` SET data = jsonb(?)`+set+`, version = version + 1, `+tx.w.s.reg.layoutOf(w.Collection).setUpdated()+` WHERE id = ? AND deleted_at IS NULL AND (? = 0 OR version = ?) RETURNING version, created_at, created_by`,
		args, &d.Version, &created, &createdBy)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Document{}, tx.missErr(w, false)
	}
	if err != nil {
		return store.Document{}, tx.writeErr(w.Collection, err)
	}
	if err := tx.recordKinds(w.Collection, kinds); err != nil {
		return store.Document{}, err
	}
	d.CreatedBy = createdBy
	d.CreatedAt, _ = store.ParseTime(created)
	d.UpdatedAt, _ = store.ParseTime(at)
	d.DeletedAt = nil
	return d, nil
}

// setDeleted soft-deletes or restores w.Doc.ID.
func (tx *wtx) setDeleted(w store.Write, at string) (store.Document, error) {
	if !tx.collectionExists(w.Collection) {
		return store.Document{}, store.ErrNotFound
	}
	setUpd := tx.w.s.reg.layoutOf(w.Collection).setUpdated()
	q := `UPDATE ` + tableName(w.Collection) + ` SET deleted_at = ?, version = version + 1, ` + setUpd + ` WHERE id = ? AND deleted_at IS NULL AND (? = 0 OR version = ?) RETURNING ` + docColumns
	var del any = at
	restore := w.Op == store.OpRestore
	if restore {
		q = `UPDATE ` + tableName(w.Collection) + ` SET deleted_at = ?, version = version + 1, ` + setUpd + ` WHERE id = ? AND deleted_at IS NOT NULL AND (? = 0 OR version = ?) RETURNING ` + docColumns
		del = nil
	}
	d, err := scanDoc(tx.row(q, del, at, w.Doc.UpdatedBy, w.Doc.ID, w.ExpectVersion, w.ExpectVersion))
	if errors.Is(err, sql.ErrNoRows) {
		return store.Document{}, tx.missErr(w, restore)
	}
	if err != nil {
		return store.Document{}, tx.writeErr(w.Collection, err)
	}
	return d, nil
}

func (tx *wtx) hardDelete(w store.Write) (store.Document, error) {
	if !tx.collectionExists(w.Collection) {
		return store.Document{}, store.ErrNotFound
	}
	d, err := scanDoc(tx.row(`DELETE FROM `+tableName(w.Collection)+` WHERE id = ? AND (? = 0 OR version = ?) RETURNING `+docColumns, w.Doc.ID, w.ExpectVersion, w.ExpectVersion))
	if errors.Is(err, sql.ErrNoRows) {
		var v int64
		err := tx.queryRow(`SELECT version FROM `+tableName(w.Collection)+` WHERE id = ?`, []any{w.Doc.ID}, &v)
		if errors.Is(err, sql.ErrNoRows) {
			return store.Document{}, store.ErrNotFound
		}
		if err != nil {
			return store.Document{}, err
		}
		return store.Document{}, fmt.Errorf("%w: stored version is %d, expected %d", store.ErrConflict, v, w.ExpectVersion)
	}
	if err != nil {
		return store.Document{}, err
	}
	return d, nil
}

// missErr explains why a conditional write matched no row: the document is
// missing or in the wrong recycle-bin state (ErrNotFound), or its version
// differs (ErrConflict).
func (tx *wtx) missErr(w store.Write, wantDeleted bool) error {
	var v int64
	var deleted bool
	err := tx.queryRow(`SELECT version, deleted_at IS NOT NULL FROM `+tableName(w.Collection)+` WHERE id = ?`, []any{w.Doc.ID}, &v, &deleted)
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	if err != nil {
		return err
	}
	if deleted != wantDeleted {
		if deleted {
			return fmt.Errorf("%w: document is in the recycle bin", store.ErrNotFound)
		}
		return fmt.Errorf("%w: document is not in the recycle bin", store.ErrNotFound)
	}
	return fmt.Errorf("%w: stored version is %d, expected %d", store.ErrConflict, v, w.ExpectVersion)
}

// recordKinds notes new value kinds durably and in memory (before commit).
func (tx *wtx) recordKinds(coll string, kinds []pathKind) error {
	for _, pk := range tx.w.s.reg.addKinds(coll, kinds) {
		if _, err := tx.exec(`INSERT INTO path_kinds (coll, path, kinds) VALUES (?, ?, ?)
			ON CONFLICT (coll, path) DO UPDATE SET kinds = kinds | excluded.kinds`, coll, pk.path, pk.kinds); err != nil {
			return err
		}
		tx.unitKinds = append(tx.unitKinds, collPathKind{coll, pk})
	}
	return nil
}

func (tx *wtx) enqueue(it store.QueueItem, payload []byte) error {
	_, err := tx.exec(`INSERT INTO queue_items (queue, id, key, due_at, first_due, attempts, payload, lease_owner, lease_until) VALUES (?1, ?2, ?3, ?4, ?4, 0, jsonb(?5), '', '')`,
		it.Queue, it.ID, it.Key, store.FormatTime(it.DueAt), payload)
	if err != nil {
		if isUnique(err) {
			return fmt.Errorf("%w: queue %s already holds item %q", store.ErrDuplicate, it.Queue, it.ID)
		}
		return err
	}
	return nil
}
