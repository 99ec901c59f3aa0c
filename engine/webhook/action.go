package webhook

import (
	"context"
	"encoding/json"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/store"
)

// ActionKind is the automation action this package offers.
const ActionKind = "webhook.call"

// actionType is "call a webhook": it queues a delivery of the triggering
// record to one of the workspace's endpoints (config {"endpoint": id}),
// with the endpoint's signing, retries and log. It is idempotent by the
// run's key: a retried run queues nothing new.
func (s *Service) actionType() engine.ActionType {
	return engine.ActionType{
		Kind:  ActionKind,
		Label: map[string]string{"zh-CN": "调用 Webhook", "en": "Call a webhook"},
		Check: func(ctx context.Context, a engine.Actor, config map[string]any) error {
			id := str(config, "endpoint")
			if id == "" {
				return invalid(fieldErr("endpoint", CodeRequired, nil))
			}
			if _, err := s.endpointDoc(ctx, a.Workspace, id); err != nil {
				return invalid(field.Error{Path: "endpoint", Code: CodeForm, Params: map[string]any{"endpoint": id}})
			}
			return nil
		},
		Run: func(ctx context.Context, r engine.ActionRun) (engine.ActionOutcome, error) {
			return s.runAction(ctx, r, false)
		},
		Preview: func(ctx context.Context, r engine.ActionRun) (engine.ActionOutcome, error) {
			return s.runAction(ctx, r, true)
		},
	}
}

func (s *Service) runAction(ctx context.Context, r engine.ActionRun, dry bool) (engine.ActionOutcome, error) {
	id := str(r.Config, "endpoint")
	ed, err := s.endpointDoc(ctx, r.Actor.Workspace, id)
	if err != nil {
		return engine.ActionOutcome{}, err
	}
	url := str(ed.Data, "url")
	out := engine.ActionOutcome{Summary: map[string]string{"zh-CN": "推送到 " + url, "en": "Deliver to " + url},
		Detail: map[string]any{"endpoint": id, "url": url}}
	if dry {
		return out, nil
	}
	a, err := s.actorOf(ctx, r.Actor.Workspace, str(ed.Data, "actor"), engine.SourceSystem)
	if err != nil {
		return engine.ActionOutcome{}, err
	}
	data := RecordData{Source: string(engine.SourceAutomation), Actor: r.Actor.UserID, Changed: []string{}}
	if r.Form != "" && r.Record != "" {
		rec, err := s.e.Record(ctx, a, r.Form, r.Record)
		if err != nil {
			return engine.ActionOutcome{}, err
		}
		data.Record = rec
	}
	evID := "act_" + r.Key
	body, _ := json.Marshal(Payload{PayloadVersion: PayloadVersion, ID: evID, Type: "automation.webhook", Timestamp: s.now(),
		Workspace: r.Actor.Workspace, Form: r.Form, Data: data})
	did := deliveryID(id, evID)
	ln := id + ".action"
	if r.Record != "" {
		ln = id + "." + r.Form + "." + r.Record
	}
	if err := store.ValidateID(did); err != nil {
		return engine.ActionOutcome{}, err
	}
	err = s.enqueue(ctx, newDelivery{id: did, msgID: "msg_" + r.Key, ws: r.Actor.Workspace, endpoint: id, event: r.Event,
		typ: "automation.webhook", form: r.Form, record: r.Record, lane: ln, body: body})
	out.Detail["delivery"] = did
	return out, err
}
