package engine

import (
	"context"
	"errors"
)

// Notification is a message for members of a workspace: an automation's
// notify action, a workflow's task or reminder, an alert's escalation, a
// disabled webhook endpoint. The notify capability delivers it (in-app
// inbox, email, digest, by each recipient's preferences); others hand it
// over through the engine's Notifier without importing that capability.
type Notification struct {
	Workspace string `json:"workspace"`
	// Recipients are user ids of members of the workspace.
	Recipients []string `json:"recipients"`
	// Kind groups notifications for preferences: "automation", "alert",
	// "task", "webhook", … (^[a-z][a-z0-9_.]{0,62}$).
	Kind string `json:"kind"`
	// Title and Body are the rendered texts, plain text (the notify
	// capability escapes them for HTML email).
	Title string `json:"title"`
	Body  string `json:"body,omitempty"`
	// Form and Record link the notification to a record ("" for none).
	Form   string `json:"form,omitempty"`
	Record string `json:"record,omitempty"`
	// Severity is "info", "warning" or "critical" ("" means info).
	Severity string `json:"severity,omitempty"`
	// Key makes delivery idempotent: a second notification with the same
	// key for the same recipient is dropped ("" never dedupes).
	Key string `json:"key,omitempty"`
}

// Notifier delivers notifications. Implementations persist them durably
// before returning, so a caller that got nil may forget them.
type Notifier interface {
	Notify(ctx context.Context, n ...Notification) error
}

// ErrNoNotifier is returned by Notify when no notifier is wired.
var ErrNoNotifier = errors.New("engine: notifications are not set up")

// SetNotifier wires the notifier; cmd calls it once while wiring, before
// serving.
func (e *Engine) SetNotifier(n Notifier) { e.notifier = n }

// Notify hands notifications to the wired notifier.
func (e *Engine) Notify(ctx context.Context, n ...Notification) error {
	if e.notifier == nil {
		return ErrNoNotifier
	}
	return e.notifier.Notify(ctx, n...)
}
