package webhook

import (
	"context"
	"sync"

	"github.com/formloom/formloom/engine"
)

// notifier records notifications.
type notifier struct {
	mu sync.Mutex
	ns []engine.Notification
}

func (n *notifier) Notify(_ context.Context, ns ...engine.Notification) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.ns = append(n.ns, ns...)
	return nil
}

func (n *notifier) got() []engine.Notification {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]engine.Notification(nil), n.ns...)
}

var fxOpts = engine.WriteOptions{}
