package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"os"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/jobs"
	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/webhook"
)

// Environment of the webhooks capability (docs/webhooks.md).
const (
	// envWebhookKey is the key that encrypts signing secrets at rest
	// (base64 or any text of 16+ bytes). Without it a key is generated and
	// kept in the store, which protects a leaked backup less.
	envWebhookKey = "FORMLOOM_WEBHOOK_KEY"
	// envWebhookAllowPrivate lets deliveries reach private networks
	// (RFC 1918, CGNAT, ULA): for on-premises receivers. Loopback, link-local
	// and metadata addresses stay refused.
	envWebhookAllowPrivate = "FORMLOOM_WEBHOOK_ALLOW_PRIVATE"
	// envWebhookAllowLoopback lets deliveries reach 127.0.0.1: for tests
	// and the e2e journey's receiver only, never in production.
	envWebhookAllowLoopback = "FORMLOOM_WEBHOOK_ALLOW_LOOPBACK"
)

// wireWebhooks builds the webhooks capability on the raw store and the
// runtime (its fan-out consumer and retention schedule register there);
// the caller runs its delivery loop next to the runtime.
func wireWebhooks(ctx context.Context, raw store.Store, e *engine.Engine, work *jobs.Runtime, log *slog.Logger) (*webhook.Service, error) {
	key, err := webhookKey(ctx, raw, log)
	if err != nil {
		return nil, err
	}
	g := webhook.GuardOptions{AllowPrivate: os.Getenv(envWebhookAllowPrivate) == "1"}
	if g.AllowPrivate {
		log.Warn("webhook deliveries may reach private networks (" + envWebhookAllowPrivate + "=1)")
	}
	if os.Getenv(envWebhookAllowLoopback) == "1" {
		log.Warn("webhook deliveries may reach 127.0.0.1 (" + envWebhookAllowLoopback + "=1): for tests only")
		g.Allow = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	}
	return webhook.New(ctx, webhook.Options{Engine: e, Store: raw, Jobs: work, Key: key, Logger: log, Guard: g})
}

// webhookKey returns the secret-encryption key: the environment's, or the
// one generated at first start and kept in the store.
func webhookKey(ctx context.Context, st store.Store, log *slog.Logger) ([]byte, error) {
	if k := os.Getenv(envWebhookKey); k != "" {
		if b, err := base64.StdEncoding.DecodeString(k); err == nil && len(b) >= 16 {
			return b, nil
		}
		if len(k) < 16 {
			return nil, fmt.Errorf("%s must have at least 16 bytes", envWebhookKey)
		}
		return []byte(k), nil
	}
	const coll, id = "webhook_keys", "server"
	d, err := st.Get(ctx, coll, id)
	if errors.Is(err, store.ErrNotFound) {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		_, err = st.Commit(ctx, store.UnitOfWork{Actor: "system", Writes: []store.Write{{Op: store.OpInsert, Collection: coll,
			Doc: store.Document{ID: id, Data: map[string]any{"key": base64.StdEncoding.EncodeToString(b)}}}}})
		if err != nil && !errors.Is(err, store.ErrDuplicate) {
			return nil, fmt.Errorf("store the webhook key: %w", err)
		}
		log.Info("generated the webhook secret key in the store; set " + envWebhookKey + " to keep it off the database")
		d, err = st.Get(ctx, coll, id)
	}
	if err != nil {
		return nil, fmt.Errorf("read the webhook key: %w", err)
	}
	s, _ := d.Data["key"].(string)
	return base64.StdEncoding.DecodeString(s)
}
