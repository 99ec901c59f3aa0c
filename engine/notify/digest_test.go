package notify_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/notify"
	"github.com/formloom/formloom/engine/store"
)

func TestDailyDigest(t *testing.T) { each(t, testDailyDigest) }

func testDailyDigest(t *testing.T, b backend) {
	smtpd := startSMTP(t)
	f := newFixture(t, b, fixtureOpts{mailer: smtpd.mailer(t), jobs: true})
	ctx := f.ctx
	if _, err := f.svc.SetPreferences(ctx, f.ws, f.alice.ID, emailPrefs("en", notify.EmailDigest)); err != nil {
		t.Fatal(err)
	}
	f.pass(t, f.clock.Now()) // the digest schedule is planned from 09:00 Shanghai: next run tomorrow 08:00
	for i, kind := range []string{"automation", "alert", "automation"} {
		f.clock.Set(f.clock.Now().Add(time.Hour))
		n := f.note(fmt.Sprintf("item %d <i>", i), f.alice.ID, f.bob.ID)
		n.Kind = kind
		if err := f.e.Notify(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	// 07:59 Shanghai the next day: not yet.
	f.pass(t, time.Date(2026, 3, 9, 23, 59, 0, 0, time.UTC))
	if n := len(smtpd.list()); n != 0 {
		t.Fatalf("%d emails before the digest hour", n)
	}
	// 08:00 Shanghai (00:00 UTC): one digest for Alice; Bob's email is off.
	f.pass(t, time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC))
	f.await(t, "the digest", func() bool { return len(smtpd.list()) == 1 })
	d := smtpd.list()[0]
	if d.To[0] != f.alice.Email || d.Subject != "Digest: 3 new notifications" {
		t.Fatalf("digest = %s to %v", d.Subject, d.To)
	}
	// Grouped by kind (alert before automation), newest first within a kind.
	i0, i1, i2 := strings.Index(d.Text, "item 1"), strings.Index(d.Text, "item 2"), strings.Index(d.Text, "item 0")
	if i0 < 0 || i1 < i0 || i2 < i1 {
		t.Errorf("digest order (want item 1, item 2, item 0):\n%s", d.Text)
	}
	if !strings.Contains(d.HTML, "item 0 &lt;i&gt;") || strings.Contains(d.HTML, "item 0 <i>") {
		t.Errorf("digest HTML not escaped:\n%s", d.HTML)
	}
	// The inbox still holds them, unread.
	if c, _ := f.svc.UnreadCount(ctx, f.ws, f.alice.ID); c != 3 {
		t.Errorf("unread = %d, want 3", c)
	}
	// The next day with nothing new sends nothing; a new item goes in the next digest only.
	waitFor(t, "the digest counted", func() bool { return f.svc.Stats().Digests == 1 })
	// Its items are marked before time moves on (a lease outlived by the
	// clock would run the task again).
	waitFor(t, "the digested items marked", func() bool {
		flt := store.Where("mail", store.OpEq, "digest")
		n, err := f.st.Count(ctx, "notifications", store.Query{Filter: &flt})
		return err == nil && n == 0
	})
	f.clock.Set(time.Date(2026, 3, 10, 5, 0, 0, 0, time.UTC))
	if err := f.e.Notify(ctx, f.note("later", f.alice.ID)); err != nil {
		t.Fatal(err)
	}
	f.pass(t, time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC))
	f.await(t, "the second digest", func() bool { return len(smtpd.list()) == 2 })
	if d2 := smtpd.list()[1]; d2.Subject != "Digest: 1 new notifications" || strings.Contains(d2.Text, "item 0") {
		t.Errorf("second digest = %s\n%s", d2.Subject, d2.Text)
	}
	f.pass(t, time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC))
	if n := len(smtpd.list()); n != 2 {
		t.Errorf("%d emails after an empty day, want 2", n)
	}
}

func TestRetention(t *testing.T) { each(t, testRetention) }

func testRetention(t *testing.T, b backend) {
	f := newFixture(t, b, fixtureOpts{jobs: true})
	ctx := f.ctx
	start := f.clock.Now()
	if err := f.e.Notify(ctx, f.note("old", f.alice.ID, f.bob.ID)); err != nil {
		t.Fatal(err)
	}
	f.clock.Set(start.Add(80 * 24 * time.Hour))
	if err := f.e.Notify(ctx, f.note("newer", f.alice.ID)); err != nil {
		t.Fatal(err)
	}
	f.pass(t, start.Add(89*24*time.Hour))
	if c, _ := f.svc.UnreadCount(ctx, f.ws, f.alice.ID); c != 2 {
		t.Fatalf("unread at 89 days = %d, want 2", c)
	}
	// The hourly schedule removes what is older than 90 days.
	f.pass(t, start.Add(90*24*time.Hour+time.Hour))
	waitFor(t, "the retention run", func() bool { return f.svc.Stats().Removed == 2 })
	p, err := f.svc.List(ctx, f.ws, f.alice.ID, notify.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Items) != 1 || p.Items[0].Title != "newer" {
		t.Errorf("after retention: %+v", p.Items)
	}
	if n, err := f.svc.Cleanup(ctx); err != nil || n != 0 {
		t.Errorf("second cleanup = %d, %v", n, err)
	}
}
