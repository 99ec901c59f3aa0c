package webhook

import (
	"net/http"
	"strings"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

func TestDeliverySignedAndVerifiedByReferenceLibrary(t *testing.T) {
	eachBackend(t, func(t *testing.T, fx *fixture) {
		rc := newReceiver(t)
		ep := fx.endpoint(t, rc.srv.URL+"/hook", func(in *EndpointInput) { in.Headers = map[string]string{"X-Tenant": "acme"} })
		if !strings.HasPrefix(ep.Secret, "whsec_") {
			t.Fatalf("secret %q", ep.Secret)
		}
		rec := fx.create(t, map[string]any{"company": "星海科技", "amount": 1200})
		fx.deliveries(t, ep.ID, 1)
		if n := fx.deliverAll(t); n != 1 {
			t.Fatalf("delivered %d", n)
		}
		got := rc.got()
		if len(got) != 1 {
			t.Fatalf("receiver got %d requests", len(got))
		}
		wh, err := standardwebhooks.NewWebhook(ep.Secret)
		if err != nil {
			t.Fatal(err)
		}
		// The fixture's clock is not the wall clock: check the signature
		// without the library's 5-minute tolerance against time.Now.
		if err := wh.VerifyIgnoringTimestamp(got[0].body, got[0].header); err != nil {
			t.Fatalf("reference library rejects the signature: %v", err)
		}
		if got[0].header.Get("X-Tenant") != "acme" || got[0].header.Get("Content-Type") != "application/json" {
			t.Errorf("headers %v", got[0].header)
		}
		p := got[0].payload(t)
		if p.PayloadVersion != "v1" || p.Type != "record.created" || p.Form != fx.form || p.Workspace != fx.admin.Workspace {
			t.Errorf("payload %+v", p)
		}
		data := p.Data.(map[string]any)
		r := data["record"].(map[string]any)
		if r["id"] != rec.ID || r["data"].(map[string]any)["company"] != "星海科技" {
			t.Errorf("record in payload %v", r)
		}
		d, err := fx.s.Delivery(fx.ctx, fx.admin, fx.deliveries(t, ep.ID, 1)[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != StatusSucceeded || len(d.AttemptLog) != 1 || d.AttemptLog[0].Status != 200 || d.AttemptLog[0].ResponseBody != `{"ok":true}` {
			t.Errorf("delivery log %+v", d)
		}
		if got[0].header.Get("webhook-id") != d.MessageID {
			t.Errorf("webhook-id %q, log %q", got[0].header.Get("webhook-id"), d.MessageID)
		}
	})
}

func TestRotationSignsWithBothSecrets(t *testing.T) {
	fx := newFixture(t)
	rc := newReceiver(t)
	ep := fx.endpoint(t, rc.srv.URL, nil)
	rot, err := fx.s.RotateSecret(fx.ctx, fx.admin, ep.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if rot.Secret == ep.Secret || rot.RotatingUntil == nil {
		t.Fatalf("rotation %+v", rot)
	}
	fx.create(t, map[string]any{"company": "A"})
	fx.deliveries(t, ep.ID, 1)
	fx.deliverAll(t)
	got := rc.got()
	if n := len(strings.Fields(got[0].header.Get("webhook-signature"))); n != 2 {
		t.Fatalf("signatures during the grace period: %d", n)
	}
	for _, sec := range []string{ep.Secret, rot.Secret} {
		wh, _ := standardwebhooks.NewWebhook(sec)
		if err := wh.VerifyIgnoringTimestamp(got[0].body, got[0].header); err != nil {
			t.Errorf("a secret does not verify during the grace period: %v", err)
		}
	}
	// After the grace period only the new secret signs.
	fx.clock.Advance(2 * time.Hour)
	fx.create(t, map[string]any{"company": "B"})
	fx.deliveries(t, ep.ID, 2)
	fx.deliverAll(t)
	got = rc.got()
	last := got[len(got)-1]
	old, _ := standardwebhooks.NewWebhook(ep.Secret)
	cur, _ := standardwebhooks.NewWebhook(rot.Secret)
	if old.VerifyIgnoringTimestamp(last.body, last.header) == nil || cur.VerifyIgnoringTimestamp(last.body, last.header) != nil {
		t.Errorf("after the grace period: signature %q", last.header.Get("webhook-signature"))
	}
}

func TestRetriesWithBackoffThenSucceed(t *testing.T) {
	eachBackend(t, func(t *testing.T, fx *fixture) {
		rc := newReceiver(t)
		rc.next = func(n int, _ received) (int, http.Header) {
			if n <= 3 {
				return 500, nil
			}
			return 204, nil
		}
		ep := fx.endpoint(t, rc.srv.URL, nil)
		fx.create(t, map[string]any{"company": "A"})
		ds := fx.deliveries(t, ep.ID, 1)
		for i := 1; i <= 3; i++ {
			if n := fx.deliverAll(t); n != 1 {
				t.Fatalf("round %d: delivered %d", i, n)
			}
			if n := fx.deliverAll(t); n != 0 {
				t.Fatalf("round %d: a retry ran before its backoff (%d)", i, n)
			}
			d, _ := fx.s.Delivery(fx.ctx, fx.admin, ds[0].ID)
			want := fx.clock.Now().Add(Backoff(i, 0.5))
			if d.NextAt == nil || !d.NextAt.Equal(want) || d.Status != StatusPending || d.Attempts != i {
				t.Fatalf("after attempt %d: %+v (want next %v)", i, d, want)
			}
			fx.clock.Advance(Backoff(i, 0.5))
		}
		fx.deliverAll(t)
		d, _ := fx.s.Delivery(fx.ctx, fx.admin, ds[0].ID)
		if d.Status != StatusSucceeded || d.Attempts != 4 || len(d.AttemptLog) != 4 {
			t.Fatalf("final %+v", d)
		}
		ids := map[string]bool{}
		for _, r := range rc.got() {
			ids[r.header.Get("webhook-id")] = true
		}
		if len(ids) != 1 {
			t.Errorf("retries carry %d webhook-ids", len(ids))
		}
		e, _ := fx.s.Endpoint(fx.ctx, fx.admin, ep.ID)
		if e.FailingSince != nil {
			t.Errorf("a success leaves the failure clock: %v", e.FailingSince)
		}
	})
}

func TestBackoffScheduleSpansThreeDays(t *testing.T) {
	var total time.Duration
	for n := 1; n < DefaultMaxAttempts; n++ {
		total += Backoff(n, 0) // the lowest jitter
	}
	if DefaultMaxAttempts < 10 || total < 72*time.Hour {
		t.Fatalf("%d attempts over %v", DefaultMaxAttempts, total)
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	fx := newFixture(t)
	rc := newReceiver(t)
	rc.next = func(n int, _ received) (int, http.Header) {
		if n == 1 {
			return 429, http.Header{"Retry-After": {"600"}}
		}
		return 200, nil
	}
	ep := fx.endpoint(t, rc.srv.URL, nil)
	fx.create(t, map[string]any{"company": "A"})
	ds := fx.deliveries(t, ep.ID, 1)
	fx.deliverAll(t)
	d, _ := fx.s.Delivery(fx.ctx, fx.admin, ds[0].ID)
	if want := fx.clock.Now().Add(600 * time.Second); d.NextAt == nil || !d.NextAt.Equal(want) {
		t.Fatalf("next attempt %v, want %v", d.NextAt, want)
	}
	fx.clock.Advance(599 * time.Second)
	if n := fx.deliverAll(t); n != 0 {
		t.Fatal("retried before Retry-After")
	}
	fx.clock.Advance(time.Second)
	if n := fx.deliverAll(t); n != 1 {
		t.Fatal("not retried at Retry-After")
	}
}

func TestGoneDisablesEndpoint(t *testing.T) {
	fx := newFixture(t)
	rc := newReceiver(t)
	rc.next = func(int, received) (int, http.Header) { return 410, nil }
	ep := fx.endpoint(t, rc.srv.URL, nil)
	fx.create(t, map[string]any{"company": "A"})
	fx.deliveries(t, ep.ID, 1)
	fx.deliverAll(t)
	e, _ := fx.s.Endpoint(fx.ctx, fx.admin, ep.ID)
	if e.Enabled || e.DisabledReason != "gone" {
		t.Fatalf("after 410: %+v", e)
	}
	fx.create(t, map[string]any{"company": "B"})
	time.Sleep(0) // the fan-out skips disabled endpoints: nothing to wait for
	fx.deliverAll(t)
	if n := len(rc.got()); n != 1 {
		t.Errorf("a disabled endpoint received %d requests", n)
	}
}

func TestFiveDaysOfFailureDisablesAndNotifies(t *testing.T) {
	notes := &notifier{}
	fx := newFixture(t)
	fx.e.SetNotifier(notes)
	rc := newReceiver(t)
	rc.next = func(int, received) (int, http.Header) { return 503, nil }
	ep := fx.endpoint(t, rc.srv.URL, nil)
	fx.create(t, map[string]any{"company": "A"})
	fx.deliveries(t, ep.ID, 1)
	for i := 0; i < 200; i++ {
		fx.deliverAll(t)
		if e, _ := fx.s.Endpoint(fx.ctx, fx.admin, ep.ID); !e.Enabled {
			break
		}
		if i%6 == 0 { // keep events coming, as a live system does
			fx.create(t, map[string]any{"company": "more"})
		}
		fx.clock.Advance(2 * time.Hour)
	}
	e, _ := fx.s.Endpoint(fx.ctx, fx.admin, ep.ID)
	if e.Enabled || e.DisabledReason != "failing" {
		t.Fatalf("endpoint after days of failure: %+v", e)
	}
	if e.FailingSince == nil || fx.clock.Now().Sub(*e.FailingSince) < DefaultDisableAfter {
		t.Fatalf("disabled too early: failing since %v, now %v", e.FailingSince, fx.clock.Now())
	}
	if len(notes.got()) != 1 || notes.got()[0].Recipients[0] != fx.admin.UserID || notes.got()[0].Kind != "webhook" {
		t.Fatalf("notifications %+v", notes.got())
	}
}

func TestOrderPerRecordPerEndpoint(t *testing.T) {
	eachBackend(t, func(t *testing.T, fx *fixture) {
		rc := newReceiver(t)
		fail := true
		rc.next = func(n int, r received) (int, http.Header) {
			if fail && n == 1 {
				return 500, nil
			}
			return 200, nil
		}
		ep := fx.endpoint(t, rc.srv.URL, nil)
		rec := fx.create(t, map[string]any{"company": "v0"})
		for i := 1; i <= 4; i++ {
			var err error
			rec, err = fx.e.UpdateRecord(fx.ctx, fx.admin, fx.form, rec.ID, map[string]any{"company": "v" + string(rune('0'+i))}, rec.Version, fxOpts)
			if err != nil {
				t.Fatal(err)
			}
		}
		fx.deliveries(t, ep.ID, 5)
		// The first delivery fails: the record's later ones wait behind it.
		fx.deliverAll(t)
		if n := len(rc.got()); n != 1 {
			t.Fatalf("later deliveries passed a failed one: %d requests", n)
		}
		fx.clock.Advance(time.Hour)
		fx.deliverAll(t)
		got := rc.got()
		var versions []float64
		for _, r := range got[1:] {
			rec := r.payload(t).Data.(map[string]any)["record"].(map[string]any)
			versions = append(versions, rec["version"].(float64))
		}
		for i := range versions {
			if versions[i] != float64(i+1) {
				t.Fatalf("delivered out of order: versions %v", versions)
			}
		}
	})
}
