// Package hook is a small typed hook: an ordered list of handlers for one
// kind of event, run as a chain in which each handler decides whether the
// next one (and finally the default action) runs by calling e.Next().
//
// It follows PocketBase's tools/hook: the core triggers a Hook[T] at a fixed
// point of its work and capabilities (stage gates, workflow state,
// permissions) bind handlers to it. A handler may act before the rest of the
// chain (code before Next), after it (code after Next, seeing its error), or
// stop it by returning an error without calling Next.
package hook

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
)

// Resolver is what every event type of a Hook implements; embedding Event
// provides it.
type Resolver interface {
	// Next runs the rest of the handler chain and returns its error.
	Next() error
	setNext(func() error)
}

// Event is embedded in every event type; it links a handler to the rest of
// the chain.
type Event struct {
	next func() error
}

// Next runs the next handler of the chain (or the final action after the
// last one) and returns its error; called outside a chain it does nothing.
func (e *Event) Next() error {
	if e.next == nil {
		return nil
	}
	return e.next()
}

func (e *Event) setNext(f func() error) { e.next = f }

// Handler is one function bound to a hook. Handlers run by Priority (lower
// first), then in the order they were bound.
type Handler[T Resolver] struct {
	// ID names the handler for Unbind; empty gets a generated one.
	ID string
	// Priority orders handlers; the default 0 runs in bind order.
	Priority int
	// Func handles the event; it calls e.Next() to let the chain go on.
	Func func(e T) error

	seq uint64
}

// Hook is an ordered set of handlers for events of type T. The zero value is
// ready to use; it is safe for concurrent use, and handlers bound or unbound
// while a Trigger runs do not affect that run.
type Hook[T Resolver] struct {
	mu       sync.RWMutex
	handlers []*Handler[T]
}

var seq atomic.Uint64

// Bind adds a handler (replacing one with the same ID) and returns its ID.
func (h *Hook[T]) Bind(handler *Handler[T]) string {
	if handler == nil || handler.Func == nil {
		panic("hook: Bind of a handler without a function")
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	hd := *handler
	hd.seq = seq.Add(1)
	if hd.ID == "" {
		hd.ID = fmt.Sprintf("h%d", hd.seq)
	}
	h.handlers = slices.DeleteFunc(slices.Clone(h.handlers), func(x *Handler[T]) bool { return x.ID == hd.ID })
	h.handlers = append(h.handlers, &hd)
	slices.SortStableFunc(h.handlers, func(a, b *Handler[T]) int {
		if a.Priority != b.Priority {
			return a.Priority - b.Priority
		}
		return int(a.seq - b.seq)
	})
	return hd.ID
}

// BindFunc adds fn as a handler of priority 0 and returns its ID.
func (h *Hook[T]) BindFunc(fn func(e T) error) string {
	return h.Bind(&Handler[T]{Func: fn})
}

// Unbind removes the handlers with the given IDs.
func (h *Hook[T]) Unbind(ids ...string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.handlers = slices.DeleteFunc(slices.Clone(h.handlers), func(x *Handler[T]) bool { return slices.Contains(ids, x.ID) })
}

// UnbindAll removes every handler.
func (h *Hook[T]) UnbindAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.handlers = nil
}

// Length returns the number of bound handlers.
func (h *Hook[T]) Length() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.handlers)
}

// Trigger runs the handlers in order, each deciding with e.Next() whether
// the chain goes on; after the last one, final (which may be nil) runs as
// the default action. It returns the first error a handler or final
// returned. A handler that returns without calling Next stops the chain:
// later handlers and final do not run.
func (h *Hook[T]) Trigger(e T, final func(e T) error) error {
	h.mu.RLock()
	list := h.handlers // never modified in place, so safe to read unlocked
	h.mu.RUnlock()
	var run func(i int) error
	run = func(i int) error {
		if i == len(list) {
			e.setNext(nil)
			if final == nil {
				return nil
			}
			return final(e)
		}
		e.setNext(func() error { return run(i + 1) })
		return list[i].Func(e)
	}
	return run(0)
}
