package notify_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/notify"
)

func TestInbox(t *testing.T) { each(t, testInbox) }

func testInbox(t *testing.T, b backend) {
	f := newFixture(t, b, fixtureOpts{})
	ctx := f.ctx
	for i := range 5 {
		f.clock.Set(f.clock.Now().Add(time.Minute))
		n := f.note(fmt.Sprintf("通知 %d", i), f.alice.ID, f.bob.ID)
		n.Form, n.Record, n.Body, n.Severity = "form1", fmt.Sprintf("rec%d", i), "正文", "warning"
		if err := f.e.Notify(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	count := func(user string) int64 {
		t.Helper()
		n, err := f.svc.UnreadCount(ctx, f.ws, user)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if a, b := count(f.alice.ID), count(f.bob.ID); a != 5 || b != 5 {
		t.Fatalf("unread = %d, %d; want 5 each", a, b)
	}
	// Pages, newest first.
	p1, err := f.svc.List(ctx, f.ws, f.alice.ID, notify.ListOptions{Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(p1.Items) != 3 || p1.NextCursor == "" || p1.Items[0].Title != "通知 4" || p1.Items[2].Title != "通知 2" {
		t.Fatalf("first page = %+v", p1)
	}
	it := p1.Items[0]
	if it.Form != "form1" || it.Record != "rec4" || it.Severity != "warning" || it.Body != "正文" || it.Read || it.Kind != "automation" {
		t.Errorf("item = %+v", it)
	}
	p2, err := f.svc.List(ctx, f.ws, f.alice.ID, notify.ListOptions{Limit: 3, After: p1.NextCursor})
	if err != nil {
		t.Fatal(err)
	}
	if len(p2.Items) != 2 || p2.NextCursor != "" || p2.Items[1].Title != "通知 0" {
		t.Fatalf("second page = %+v", p2)
	}
	if _, err := f.svc.List(ctx, f.ws, f.alice.ID, notify.ListOptions{After: "garbage"}); !errors.Is(err, engine.ErrInvalid) {
		t.Errorf("bad cursor: err = %v, want invalid", err)
	}
	// Mark one read: only the owner can.
	if _, err := f.svc.MarkRead(ctx, f.ws, f.bob.ID, it.ID); !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("Bob marks Alice's item: err = %v, want not found", err)
	}
	if _, err := f.svc.MarkRead(ctx, f.other, f.alice.ID, it.ID); !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("Alice's item from another workspace: err = %v, want not found", err)
	}
	got, err := f.svc.MarkRead(ctx, f.ws, f.alice.ID, it.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Read || got.ReadAt == nil || !got.ReadAt.Equal(f.clock.Now()) {
		t.Errorf("marked = %+v", got)
	}
	if _, err := f.svc.MarkRead(ctx, f.ws, f.alice.ID, it.ID); err != nil {
		t.Errorf("marking again: %v", err)
	}
	if n := count(f.alice.ID); n != 4 {
		t.Errorf("unread after one read = %d, want 4", n)
	}
	unread, err := f.svc.List(ctx, f.ws, f.alice.ID, notify.ListOptions{Unread: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(unread.Items) != 4 {
		t.Errorf("unread list holds %d, want 4", len(unread.Items))
	}
	for _, u := range unread.Items {
		if u.ID == it.ID {
			t.Error("the read item is in the unread list")
		}
	}
	n, err := f.svc.MarkAllRead(ctx, f.ws, f.alice.ID)
	if err != nil || n != 4 {
		t.Fatalf("MarkAllRead = %d, %v; want 4", n, err)
	}
	if a, b := count(f.alice.ID), count(f.bob.ID); a != 0 || b != 5 {
		t.Errorf("unread after Alice's read-all = %d, %d; want 0, 5", a, b)
	}
	all, _ := f.svc.List(ctx, f.ws, f.alice.ID, notify.ListOptions{})
	if len(all.Items) != 5 {
		t.Errorf("read items stay listed: %d, want 5", len(all.Items))
	}
}

func TestDedupeAndRecipients(t *testing.T) { each(t, testDedupeAndRecipients) }

func testDedupeAndRecipients(t *testing.T, b backend) {
	f := newFixture(t, b, fixtureOpts{})
	ctx := f.ctx
	n := f.note("阶段变为赢单", f.alice.ID, f.alice.ID, f.bob.ID, f.eve.ID, "nobody")
	n.Key = "deal-1.won"
	if err := f.e.Notify(ctx, n); err != nil {
		t.Fatal(err)
	}
	if err := f.e.Notify(ctx, n); err != nil {
		t.Fatal(err)
	}
	// A different key is a new notification; the same key of another kind too.
	n2 := n
	n2.Key = "deal-1.lost"
	n3 := n
	n3.Kind = "alert"
	if err := f.e.Notify(ctx, n2, n3); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{f.alice.ID, f.bob.ID} {
		if c, _ := f.svc.UnreadCount(ctx, f.ws, u); c != 3 {
			t.Errorf("%s has %d unread, want 3 (one per key and kind, a repeated recipient once)", u, c)
		}
	}
	if c, _ := f.svc.UnreadCount(ctx, f.ws, f.eve.ID); c != 0 {
		t.Errorf("a non-member got %d", c)
	}
	if c, _ := f.svc.UnreadCount(ctx, f.other, f.eve.ID); c != 0 {
		t.Errorf("a notification leaked into Eve's own workspace: %d", c)
	}
	st := f.svc.Stats()
	if st.Delivered != 6 || st.Deduped != 2 || st.Dropped != 8 {
		t.Errorf("stats = %+v, want 6 delivered, 2 deduped, 8 dropped (Eve and nobody, 4 notifications)", st)
	}

	// A disabled member is dropped.
	admin := engine.Actor{UserID: f.admin.ID, Workspace: f.ws, Role: engine.RoleAdmin, Source: engine.SourceAPI}
	m, err := f.e.Membership(ctx, f.ws, f.bob.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.e.RemoveMember(ctx, admin, m.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.e.Notify(ctx, f.note("之后", f.alice.ID, f.bob.ID)); err != nil {
		t.Fatal(err)
	}
	if c, _ := f.svc.UnreadCount(ctx, f.ws, f.bob.ID); c != 3 {
		t.Errorf("a removed member got a new notification: %d unread", c)
	}
}

func TestNotifyValidation(t *testing.T) {
	f := newFixture(t, backends()[0], fixtureOpts{})
	good := f.note("好的", f.alice.ID)
	bad := []engine.Notification{
		{Workspace: f.ws, Recipients: []string{f.alice.ID}, Kind: "Bad Kind", Title: "x"},
		{Workspace: f.ws, Recipients: []string{f.alice.ID}, Kind: "automation", Title: "  "},
		{Workspace: f.ws, Recipients: []string{f.alice.ID}, Kind: "automation", Title: "x", Severity: "fatal"},
		{Workspace: "", Recipients: []string{f.alice.ID}, Kind: "automation", Title: "x"},
	}
	paths := []string{"notifications[1].kind", "notifications[1].title", "notifications[1].severity", "notifications[1].workspace"}
	for i, n := range bad {
		err := f.e.Notify(f.ctx, good, n)
		var ve *engine.ValidationError
		if !errors.As(err, &ve) || len(ve.Fields) != 1 || ve.Fields[0].Path != paths[i] {
			t.Errorf("case %d: err = %v, want one problem at %s", i, err, paths[i])
		}
	}
	// Nothing was written: the good notification failed with the bad one.
	if c, _ := f.svc.UnreadCount(f.ctx, f.ws, f.alice.ID); c != 0 {
		t.Errorf("a failed call wrote %d items", c)
	}
}
