package webhook

import (
	"testing"

	"github.com/formloom/formloom/engine"
)

// Imports and bulk deletes write through the pipeline, one event per
// record: each becomes a delivery.
func TestImportsAndBulkWritesProduceDeliveries(t *testing.T) {
	eachBackend(t, func(t *testing.T, fx *fixture) {
		rc := newReceiver(t)
		ep := fx.endpoint(t, rc.srv.URL, nil)
		rows := [][]string{{"甲", "1"}, {"乙", "2"}, {"丙", "3"}}
		tbl := engine.Table{Format: engine.FormatCSV, Header: []string{"company", "amount"}, Rows: rows, RowNumbers: []int{2, 3, 4}}
		rep, err := fx.e.ImportTable(fx.ctx, fx.admin, fx.form, func() (engine.Table, error) { return tbl, nil }, engine.ImportOptions{})
		if err != nil {
			t.Fatalf("import: %v %+v", err, rep)
		}
		ds := fx.deliveries(t, ep.ID, 3)
		recs := map[string]bool{}
		for _, d := range ds {
			recs[d.Record] = true
		}
		if len(recs) != 3 {
			t.Fatalf("deliveries of the import: %+v", ds)
		}
		var ids []string
		for id := range recs {
			ids = append(ids, id)
		}
		if _, err := fx.e.DeleteRecords(fx.ctx, fx.admin, fx.form, ids); err != nil {
			t.Fatal(err)
		}
		fx.deliveries(t, ep.ID, 6)
		fx.deliverAll(t)
		if n := len(rc.got()); n != 6 {
			t.Fatalf("receiver got %d", n)
		}
	})
}

// The filter and the subscription decide what is sent; a replayed fan-out
// adds nothing (the delivery id comes from endpoint and event).
func TestFilterSubscriptionAndReplay(t *testing.T) {
	fx := newFixture(t)
	rc := newReceiver(t)
	big := fx.endpoint(t, rc.srv.URL, func(in *EndpointInput) { in.Filter = "amount >= 1000" })
	upd := fx.endpoint(t, rc.srv.URL, func(in *EndpointInput) { in.Events = []string{"record.updated"} })
	r := fx.create(t, map[string]any{"company": "小单", "amount": 10})
	fx.create(t, map[string]any{"company": "大单", "amount": 5000})
	if _, err := fx.e.UpdateRecord(fx.ctx, fx.admin, fx.form, r.ID, map[string]any{"amount": 20}, r.Version, engine.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	bd := fx.deliveries(t, big.ID, 1)
	ud := fx.deliveries(t, upd.ID, 1)
	if len(bd) != 1 || len(ud) != 1 || ud[0].Type != "record.updated" {
		t.Fatalf("filtered %+v, updates %+v", bd, ud)
	}
	// Replay the fan-out of the same event: nothing new.
	le := &liveEndpoint{ep: Endpoint{ID: upd.ID, Actor: fx.admin.UserID}}
	_ = le
	if err := fx.s.enqueue(fx.ctx, newDelivery{id: ud[0].ID, msgID: ud[0].MessageID, ws: fx.admin.Workspace, endpoint: upd.ID, lane: "x", body: []byte("{}")}); err != nil {
		t.Fatal(err)
	}
	if got := fx.deliveries(t, upd.ID, 1); len(got) != 1 {
		t.Fatalf("a replayed fan-out added a delivery: %d", len(got))
	}
}

// Redelivery keeps the webhook-id; the automation action queues a delivery
// once per run key.
func TestRedeliverAndAction(t *testing.T) {
	fx := newFixture(t)
	rc := newReceiver(t)
	ep := fx.endpoint(t, rc.srv.URL, nil)
	rec := fx.create(t, map[string]any{"company": "A"})
	ds := fx.deliveries(t, ep.ID, 1)
	fx.deliverAll(t)
	if _, err := fx.s.Redeliver(fx.ctx, fx.admin, ds[0].ID); err != nil {
		t.Fatal(err)
	}
	fx.deliverAll(t)
	got := rc.got()
	if len(got) != 2 || got[0].header.Get("webhook-id") != got[1].header.Get("webhook-id") {
		t.Fatalf("redelivery: %d requests", len(got))
	}
	at, ok := fx.e.Actions().Lookup(ActionKind)
	if !ok {
		t.Fatal("webhook.call is not registered")
	}
	if err := at.Check(fx.ctx, fx.admin, map[string]any{}); err == nil {
		t.Error("an action without an endpoint passes the check")
	}
	run := engine.ActionRun{Actor: fx.admin, Config: map[string]any{"endpoint": ep.ID}, Form: fx.form, Record: rec.ID, Event: "ev1", Key: "run-1"}
	for range 2 { // a retried run queues nothing new
		if _, err := at.Run(fx.ctx, run); err != nil {
			t.Fatal(err)
		}
	}
	fx.deliverAll(t)
	if n := len(rc.got()); n != 3 {
		t.Fatalf("after the action: %d requests", n)
	}
	if p := rc.got()[2].payload(t); p.Type != "automation.webhook" {
		t.Errorf("action payload type %q", p.Type)
	}
}

func TestInboundMappingUpsertAndErrors(t *testing.T) {
	eachBackend(t, func(t *testing.T, fx *fixture) {
		h, err := fx.s.CreateInbound(fx.ctx, fx.admin, InboundInput{Form: fx.form, Name: "ERP", Verify: VerifyStandard,
			Mapping: map[string]string{"company": "payload.name", "phone": "payload.tel", "amount": "payload.total"}, UpsertField: "phone"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fx.s.CreateInbound(fx.ctx, fx.admin, InboundInput{Form: fx.form, Name: "bad", Mapping: map[string]string{"nope": "payload.x", "company": "payload."}}); err == nil {
			t.Fatal("a mapping to an unknown field and a broken expression were saved")
		}
		send := func(body string) (InboundResult, error) {
			ts := fx.clock.Now()
			sig, _ := Sign([]string{h.Secret}, "msg_1", ts, []byte(body))
			return fx.s.Receive(fx.ctx, h.ID, h.Token, map[string]string{"Webhook-Id": "msg_1", "Webhook-Timestamp": itoa(ts.Unix()), "Webhook-Signature": sig}, []byte(body))
		}
		first, err := send(`{"name":"远山","tel":"139","total":5}`)
		if err != nil || first.Action != "created" {
			t.Fatalf("first %+v %v", first, err)
		}
		second, err := send(`{"name":"远山贸易","tel":"139","total":7}`)
		if err != nil || second.Action != "updated" || second.Record != first.Record {
			t.Fatalf("upsert %+v %v", second, err)
		}
		if _, err := fx.s.Receive(fx.ctx, h.ID, h.Token, map[string]string{"Webhook-Id": "msg_1", "Webhook-Timestamp": "1", "Webhook-Signature": "v1,AAAA"}, []byte(`{}`)); err != ErrBadSignature {
			t.Fatalf("bad signature: %v", err)
		}
		if _, err := send(`{"name":"x","tel":"1","total":"not a number"}`); err == nil {
			t.Fatal("a payload the pipeline refuses was written")
		}
		calls, err := fx.s.InboundCalls(fx.ctx, fx.admin, h.ID, 10)
		if err != nil || len(calls) != 4 || calls[0].OK {
			t.Fatalf("calls %+v %v", calls, err)
		}
	})
}
