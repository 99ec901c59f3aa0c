package main

import (
	"context"
	"log/slog"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/live"
	"github.com/formloom/formloom/engine/store"
)

// wireLive builds the live-updates hub and starts its outbox tail until
// ctx ends. Every process runs its own (nothing leased), so with several
// processes on one MongoDB each fans out every process's writes; raw is
// the store itself, whose commit signals wake the tail at once.
func wireLive(ctx context.Context, e *engine.Engine, raw store.Store, log *slog.Logger) *live.Hub {
	h := live.New(e, raw, live.Options{Logger: log})
	go func() { _ = h.Run(ctx) }()
	return h
}
