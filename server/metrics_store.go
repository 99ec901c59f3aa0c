package server

import (
	"context"
	"errors"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// InstrumentStore wraps st so that every operation's latency (and error
// count) is recorded in m. The composition root wraps the store before
// handing it to the engine.
func (m *Metrics) InstrumentStore(st store.Store) store.Store { return &timedStore{Store: st, m: m} }

type timedStore struct {
	store.Store
	m *Metrics
}

func (t *timedStore) done(op string, start time.Time, err error) {
	t.m.storeOps.WithLabelValues(op).Observe(time.Since(start).Seconds())
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		t.m.storeErr.WithLabelValues(op).Inc()
	}
}

func (t *timedStore) Get(ctx context.Context, coll, id string) (store.Document, error) {
	start := time.Now()
	d, err := t.Store.Get(ctx, coll, id)
	t.done("get", start, err)
	return d, err
}

func (t *timedStore) Find(ctx context.Context, coll string, q store.Query) (store.Page, error) {
	start := time.Now()
	p, err := t.Store.Find(ctx, coll, q)
	t.done("find", start, err)
	return p, err
}

func (t *timedStore) Count(ctx context.Context, coll string, q store.Query) (int64, error) {
	start := time.Now()
	n, err := t.Store.Count(ctx, coll, q)
	t.done("count", start, err)
	return n, err
}

func (t *timedStore) Aggregate(ctx context.Context, coll string, q store.AggregateQuery) ([]store.Group, error) {
	start := time.Now()
	g, err := t.Store.Aggregate(ctx, coll, q)
	t.done("aggregate", start, err)
	return g, err
}

func (t *timedStore) Commit(ctx context.Context, u store.UnitOfWork) (store.CommitResult, error) {
	start := time.Now()
	r, err := t.Store.Commit(ctx, u)
	t.done("commit", start, err)
	return r, err
}

func (t *timedStore) Distinct(ctx context.Context, coll, field string, q store.Query, limit int) ([]any, error) {
	start := time.Now()
	v, err := t.Store.Distinct(ctx, coll, field, q, limit)
	t.done("distinct", start, err)
	return v, err
}
