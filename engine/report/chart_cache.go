package report

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"strings"
	"sync"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

// chartCache keeps computed charts, so a dashboard opened again costs
// lookups instead of aggregates over every record.
//
// An entry is keyed by everything its figures depend on: the viewer (the
// whole actor, so one viewer never gets another's rows), the chart's
// definition, the store filter its dashboard filters resolved to, the form
// version and the time zone. It is tagged with the outbox position read
// before it was computed, and it holds while no event after that position
// touched it: an event on the form's records, or any event that is not a
// record's (permissions, members, forms, users, stage history) in its
// workspace. Every lookup first reads the outbox from where the last one
// stopped (event heads only, usually none), so a change committed by this
// process or by any other sharing the store is seen by the next lookup
// (the outbox numbers events in commit order; MongoDB numbers pending
// events when they are read). A write that commits while a chart is being
// computed has a later number than the entry's tag, so that entry is
// never served.
//
// Outbox events are trimmed after a retention of days (engine/jobs): when
// no lookup read the outbox for maxCacheIdle, events it never saw may be
// gone, so the cache starts over from the outbox's end.
type chartCache struct {
	st  store.Store
	now func() time.Time
	mu  sync.Mutex
	// read is when the outbox was last read.
	read time.Time
	// pos is the outbox position read so far; started once it was found.
	pos     int64
	started bool
	// recSeq is the last event per record collection; wsSeq the last
	// other event per workspace (key "" for events without one).
	recSeq  map[string]int64
	wsSeq   map[string]int64
	entries map[string]cacheEntry
}

type cacheEntry struct {
	seq      int64
	coll, ws string
	data     []byte // ChartData as JSON: every hit gets its own copy
}

// maxCachedCharts bounds the entries; the cache starts over when full.
const maxCachedCharts = 1024

// maxCacheIdle is how long the cache may go without reading the outbox
// before it starts over (far below any event retention).
const maxCacheIdle = time.Hour

func newChartCache(st store.Store, now func() time.Time) *chartCache {
	return &chartCache{st: st, now: now, recSeq: map[string]int64{}, wsSeq: map[string]int64{}, entries: map[string]cacheEntry{}}
}

// chartKey is the cache key of a chart computed for a viewer.
func chartKey(a engine.Actor, c Chart, filter *store.Filter, version int, zone string) string {
	b, _ := json.Marshal(struct {
		A engine.Actor
		C Chart
		F *store.Filter
		V int
		Z string
	}{a, c, filter, version, zone})
	sum := sha256.Sum256(b)
	return string(sum[:])
}

// lookup returns the cached chart for key if no event since it was
// computed makes it stale, and the outbox position a chart computed now
// is tagged with.
func (c *chartCache) lookup(ctx context.Context, key, coll, ws string) (ChartData, bool, int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.follow(ctx); err != nil {
		return ChartData{}, false, 0, err
	}
	e, ok := c.entries[key]
	if !ok || e.seq < c.recSeq[coll] || e.seq < c.wsSeq[ws] || e.seq < c.wsSeq[""] {
		return ChartData{}, false, c.pos, nil
	}
	var cd ChartData
	if err := json.Unmarshal(e.data, &cd); err != nil {
		return ChartData{}, false, c.pos, nil
	}
	return cd, true, c.pos, nil
}

// store keeps a chart computed after the outbox position seq.
func (c *chartCache) store(key, coll, ws string, seq int64, cd ChartData) {
	b, err := json.Marshal(cd)
	if err != nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= maxCachedCharts {
		c.entries = map[string]cacheEntry{}
	}
	c.entries[key] = cacheEntry{seq: seq, coll: coll, ws: ws, data: b}
}

// follow reads the outbox after pos; the first call starts at its end
// (nothing is cached yet). Callers hold mu.
func (c *chartCache) follow(ctx context.Context) error {
	now := c.now()
	if c.started && now.Sub(c.read) > maxCacheIdle {
		c.started = false
		c.entries, c.recSeq, c.wsSeq = map[string]cacheEntry{}, map[string]int64{}, map[string]int64{}
	}
	c.read = now
	if !c.started {
		head, err := store.OutboxHead(ctx, c.st)
		if err != nil {
			return err
		}
		c.pos, c.started = head, true
		return nil
	}
	for {
		evs, err := store.ReadEventHeads(ctx, c.st, c.pos, store.MaxReadEvents)
		if err != nil {
			return err
		}
		for _, ev := range evs {
			if strings.HasPrefix(ev.Collection, engine.RecordCollectionPrefix) {
				c.recSeq[ev.Collection] = ev.Seq
			} else {
				c.wsSeq[ev.Workspace] = ev.Seq
			}
			c.pos = ev.Seq
		}
		if len(evs) < store.MaxReadEvents {
			return nil
		}
	}
}
