package webhook

import (
	"context"
	"errors"
	"fmt"
	"net/textproto"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/store"
)

// Limits of an endpoint.
const (
	MaxEvents       = 32
	MaxHeaders      = 20
	MaxHeaderValue  = 1024
	MaxDescription  = 500
	MaxEndpoints    = 100
	DefaultRotation = 24 * time.Hour
	MaxRotation     = 7 * 24 * time.Hour
)

// eventName is what an event type may look like (any outbox type by name:
// record.created, form.published, alert.raised, approval.decided, …).
var eventName = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_*]+)+$`)

// recordEvents are the record events; an endpoint with a form and a filter
// may only subscribe to these.
var recordEvents = []string{string(engine.EventRecordCreated), string(engine.EventRecordUpdated),
	string(engine.EventRecordDeleted), string(engine.EventRecordRestored)}

// reservedHeaders are set by the delivery itself and cannot be customised.
var reservedHeaders = map[string]bool{"Webhook-Id": true, "Webhook-Timestamp": true, "Webhook-Signature": true,
	"Content-Type": true, "Content-Length": true, "Host": true, "User-Agent": true, "Transfer-Encoding": true, "Connection": true}

// Endpoint is an outbound webhook endpoint of a workspace.
type Endpoint struct {
	ID          string `json:"id"`
	Workspace   string `json:"workspace"`
	URL         string `json:"url"`
	Description string `json:"description"`
	// Events are the event types delivered ("record.created", …).
	Events []string `json:"events"`
	// Form limits record events to one form ("" for every form).
	Form string `json:"form,omitempty"`
	// Filter is an expression over the record (its field keys, new, old,
	// changed): events whose record makes it false are not delivered.
	Filter  string            `json:"filter,omitempty"`
	Headers map[string]string `json:"headers"`
	Enabled bool              `json:"enabled"`
	// DisabledReason says why delivery stopped ("gone", "failing", "" when
	// an admin switched it off or it is enabled).
	DisabledReason string `json:"disabledReason,omitempty"`
	// Actor is the user whose permissions shape the payload's record view.
	Actor string `json:"actor"`
	// SecretHint is the secret's last characters, to tell secrets apart.
	SecretHint string `json:"secretHint"`
	// RotatingUntil is when the previous secret stops signing (nil: none).
	RotatingUntil *time.Time `json:"rotatingUntil,omitempty"`
	// FailingSince is the first failure after the last success (nil: healthy).
	FailingSince *time.Time `json:"failingSince,omitempty"`
	Version      int64      `json:"version"`
	CreatedAt    time.Time  `json:"createdAt"`
	UpdatedAt    time.Time  `json:"updatedAt"`
}

// EndpointInput is what an admin sets on an endpoint.
type EndpointInput struct {
	URL         string            `json:"url"`
	Description string            `json:"description"`
	Events      []string          `json:"events"`
	Form        string            `json:"form"`
	Filter      string            `json:"filter"`
	Headers     map[string]string `json:"headers"`
	Enabled     *bool             `json:"enabled"`
	// Actor is the member whose permissions shape the payloads (which
	// records and fields they carry); "" keeps the current one, which for
	// a new endpoint is the admin creating it.
	Actor string `json:"actor"`
}

// EndpointCreated is a new endpoint with its secret, shown this once.
type EndpointCreated struct {
	Endpoint
	Secret string `json:"secret"`
}

// secretEntry is one stored signing secret.
type secretEntry struct {
	sealed string
	until  time.Time // zero: current
}

func endpointFrom(d store.Document) Endpoint {
	ep := Endpoint{ID: d.ID, Version: d.Version, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt,
		Workspace: str(d.Data, "workspace"), URL: str(d.Data, "url"), Description: str(d.Data, "description"),
		Events: strs(d.Data["events"]), Form: str(d.Data, "form"), Filter: str(d.Data, "filter"),
		Headers: map[string]string{}, DisabledReason: str(d.Data, "disabled_reason"), Actor: str(d.Data, "actor"),
		SecretHint: str(d.Data, "secret_hint")}
	ep.Enabled, _ = d.Data["enabled"].(bool)
	if h, ok := d.Data["headers"].(map[string]any); ok {
		for k, v := range h {
			ep.Headers[k], _ = v.(string)
		}
	}
	if t, err := store.ParseTime(str(d.Data, "rotating_until")); err == nil {
		ep.RotatingUntil = &t
	}
	if t, err := store.ParseTime(str(d.Data, "failing_since")); err == nil {
		ep.FailingSince = &t
	}
	return ep
}

func secretsFrom(d store.Document) []secretEntry {
	var out []secretEntry
	list, _ := d.Data["secrets"].([]any)
	for _, x := range list {
		m, _ := x.(map[string]any)
		e := secretEntry{sealed: str(m, "sealed")}
		e.until, _ = store.ParseTime(str(m, "until"))
		out = append(out, e)
	}
	return out
}

func secretsData(list []secretEntry) []any {
	out := make([]any, len(list))
	for i, e := range list {
		m := map[string]any{"sealed": e.sealed}
		if !e.until.IsZero() {
			m["until"] = store.FormatTime(e.until)
		}
		out[i] = m
	}
	return out
}

// checkInput validates an endpoint's settings, every problem at once;
// current is the endpoint's actor so far.
func (s *Service) checkInput(ctx context.Context, a engine.Actor, in *EndpointInput, current string) error {
	var errs []field.Error
	in.URL = strings.TrimSpace(in.URL)
	if in.URL == "" {
		errs = append(errs, fieldErr("url", CodeRequired, nil))
	} else if code, err := s.guard.checkURL(in.URL); code != "" {
		errs = append(errs, fieldErr("url", code, map[string]any{"reason": err.Error()}))
	}
	if len([]rune(in.Description)) > MaxDescription {
		errs = append(errs, fieldErr("description", CodeTooLong, map[string]any{"max": MaxDescription}))
	}
	if len(in.Events) == 0 {
		errs = append(errs, fieldErr("events", CodeRequired, nil))
	}
	if len(in.Events) > MaxEvents {
		errs = append(errs, fieldErr("events", CodeTooMany, map[string]any{"max": MaxEvents}))
	}
	slices.Sort(in.Events)
	in.Events = slices.Compact(in.Events)
	for i, ev := range in.Events {
		if len(ev) > 64 || !eventName.MatchString(ev) {
			errs = append(errs, fieldErr(fmt.Sprintf("events[%d]", i), CodeEvent, map[string]any{"event": ev}))
		}
	}
	if len(in.Headers) > MaxHeaders {
		errs = append(errs, fieldErr("headers", CodeTooMany, map[string]any{"max": MaxHeaders}))
	}
	clean := map[string]string{}
	for k, v := range in.Headers {
		name := textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(k))
		if !validHeaderName(name) || reservedHeaders[name] || strings.HasPrefix(name, "Webhook-") ||
			len(v) > MaxHeaderValue || strings.ContainsAny(v, "\r\n\x00") {
			errs = append(errs, fieldErr("headers."+k, CodeHeader, map[string]any{"name": k}))
			continue
		}
		clean[name] = v
	}
	in.Headers = clean
	if in.Form != "" {
		if _, err := s.e.CurrentVersion(ctx, a, in.Form); err != nil {
			errs = append(errs, fieldErr("form", CodeForm, map[string]any{"form": in.Form}))
		}
	}
	actor, aerrs := s.chooseActor(ctx, a.Workspace, in.Actor, current, in.Form, engine.ActRecordView)
	in.Actor = actor
	errs = append(errs, aerrs...)
	if strings.TrimSpace(in.Filter) != "" {
		if in.Form == "" || slices.ContainsFunc(in.Events, func(ev string) bool { return !slices.Contains(recordEvents, ev) }) {
			errs = append(errs, fieldErr("filter", CodeFilterForm, nil))
		} else if v, err := s.e.CurrentVersion(ctx, a, in.Form); err == nil {
			if _, err := expr.Compile(in.Filter, v.Env(), expr.Bool); err != nil {
				errs = append(errs, exprErr("filter", err))
			}
		}
	}
	return invalid(errs...)
}

// exprErr turns a compile error into a field error that carries the
// diagnostics (line, column, message) for the editor.
func exprErr(path string, err error) field.Error {
	params := map[string]any{}
	var xe *expr.Error
	if errors.As(err, &xe) && len(xe.Diagnostics) > 0 {
		d := xe.Diagnostics[0]
		params["line"], params["column"], params["message"] = d.Line, d.Column, d.Message
	}
	return fieldErr(path, "expression", params)
}

func validHeaderName(n string) bool {
	if n == "" || len(n) > 64 {
		return false
	}
	for _, c := range n {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func (in EndpointInput) data(ws string) map[string]any {
	headers := map[string]any{}
	for k, v := range in.Headers {
		headers[k] = v
	}
	events := make([]any, len(in.Events))
	for i, e := range in.Events {
		events[i] = e
	}
	return map[string]any{"workspace": ws, "url": in.URL, "description": in.Description, "events": events,
		"form": in.Form, "filter": strings.TrimSpace(in.Filter), "headers": headers, "actor": in.Actor}
}

// CreateEndpoint adds an endpoint (workspace admins only) and returns it
// with its signing secret, which is shown only this once. Its actor is
// in.Actor, by default the creating admin.
func (s *Service) CreateEndpoint(ctx context.Context, a engine.Actor, in EndpointInput) (EndpointCreated, error) {
	if err := s.admin(ctx, a); err != nil {
		return EndpointCreated{}, err
	}
	if err := s.checkInput(ctx, a, &in, a.UserID); err != nil {
		return EndpointCreated{}, err
	}
	n, err := s.st.Count(ctx, collEndpoints, store.Query{Filter: ptr(store.Where("workspace", store.OpEq, a.Workspace))})
	if err != nil {
		return EndpointCreated{}, err
	}
	if n >= MaxEndpoints {
		return EndpointCreated{}, invalid(fieldErr("", CodeTooMany, map[string]any{"max": MaxEndpoints}))
	}
	secret := newSecret()
	data := in.data(a.Workspace)
	data["enabled"] = in.Enabled == nil || *in.Enabled
	data["secrets"] = secretsData([]secretEntry{{sealed: s.seal.seal(secret)}})
	data["secret_hint"] = secret[len(secret)-4:]
	res, err := s.st.Commit(ctx, store.UnitOfWork{At: s.now(), Actor: a.UserID, Writes: []store.Write{{
		Op: store.OpInsert, Collection: collEndpoints, Doc: store.Document{ID: "we_" + store.NewID(), Data: data}}}})
	if err != nil {
		return EndpointCreated{}, err
	}
	s.forget(a.Workspace)
	return EndpointCreated{Endpoint: endpointFrom(res.Docs[0]), Secret: secret}, nil
}

// Endpoints lists the workspace's endpoints.
func (s *Service) Endpoints(ctx context.Context, a engine.Actor) ([]Endpoint, error) {
	return listConfig(ctx, s, a, kindEndpoint, endpointFrom)
}

// endpointDoc reads an endpoint of the actor's workspace.
func (s *Service) endpointDoc(ctx context.Context, ws, id string) (store.Document, error) {
	return s.configDoc(ctx, kindEndpoint, ws, id)
}

// Endpoint returns one endpoint.
func (s *Service) Endpoint(ctx context.Context, a engine.Actor, id string) (Endpoint, error) {
	d, err := s.ownConfigDoc(ctx, a, kindEndpoint, id)
	if err != nil {
		return Endpoint{}, err
	}
	return endpointFrom(d), nil
}

// UpdateEndpoint replaces an endpoint's settings; version > 0 makes it a
// compare-and-set. Enabling clears the disabled reason and failure clock.
func (s *Service) UpdateEndpoint(ctx context.Context, a engine.Actor, id string, in EndpointInput, version int64) (Endpoint, error) {
	d, err := s.ownConfigDoc(ctx, a, kindEndpoint, id)
	if err != nil {
		return Endpoint{}, err
	}
	if err := s.checkInput(ctx, a, &in, str(d.Data, "actor")); err != nil {
		return Endpoint{}, err
	}
	data := in.data(a.Workspace)
	carry(data, d.Data, "secrets", "secret_hint", "rotating_until", "enabled", "disabled_reason", "failing_since")
	if in.Enabled != nil {
		was, _ := d.Data["enabled"].(bool)
		data["enabled"] = *in.Enabled
		if *in.Enabled && !was {
			delete(data, "disabled_reason")
			delete(data, "failing_since")
		}
		if !*in.Enabled {
			delete(data, "disabled_reason")
		}
	}
	return s.writeEndpoint(ctx, a, id, data, version)
}

func (s *Service) writeEndpoint(ctx context.Context, a engine.Actor, id string, data map[string]any, version int64) (Endpoint, error) {
	d, err := s.replaceConfig(ctx, a, kindEndpoint, id, data, version)
	if err != nil {
		return Endpoint{}, err
	}
	s.forget(a.Workspace)
	return endpointFrom(d), nil
}

// DeleteEndpoint removes an endpoint; its pending deliveries fail when due.
func (s *Service) DeleteEndpoint(ctx context.Context, a engine.Actor, id string) error {
	err := s.deleteConfig(ctx, a, kindEndpoint, id)
	s.forget(a.Workspace)
	return err
}

// RotateSecret makes a new signing secret current and keeps the previous
// one signing for grace (0 means 24 h, at most 7 days): every delivery
// meanwhile carries both signatures. The new secret is shown this once.
func (s *Service) RotateSecret(ctx context.Context, a engine.Actor, id string, grace time.Duration) (EndpointCreated, error) {
	if err := s.admin(ctx, a); err != nil {
		return EndpointCreated{}, err
	}
	if grace <= 0 {
		grace = DefaultRotation
	}
	if grace > MaxRotation {
		return EndpointCreated{}, invalid(fieldErr("graceHours", CodeTooLong, map[string]any{"max": int(MaxRotation.Hours())}))
	}
	d, err := s.endpointDoc(ctx, a.Workspace, id)
	if err != nil {
		return EndpointCreated{}, err
	}
	now := s.now()
	secret := newSecret()
	list := []secretEntry{{sealed: s.seal.seal(secret)}}
	for _, e := range secretsFrom(d) {
		if e.until.IsZero() { // the current one becomes the previous one
			list = append(list, secretEntry{sealed: e.sealed, until: now.Add(grace)})
		}
	}
	data := clone(d.Data)
	data["secrets"] = secretsData(list)
	data["secret_hint"] = secret[len(secret)-4:]
	data["rotating_until"] = store.FormatTime(now.Add(grace))
	ep, err := s.writeEndpoint(ctx, a, id, data, d.Version)
	if err != nil {
		return EndpointCreated{}, err
	}
	return EndpointCreated{Endpoint: ep, Secret: secret}, nil
}

// signingSecrets returns the secrets that sign at now: the current one
// first, then a previous one still in its grace period.
func (s *Service) signingSecrets(d store.Document, now time.Time) ([]string, error) {
	var out []string
	for _, e := range secretsFrom(d) {
		if !e.until.IsZero() && !now.Before(e.until) {
			continue
		}
		p, err := s.seal.open(e.sealed)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, errors.New("webhook: endpoint has no signing secret")
	}
	return out, nil
}

// CheckFilter is the editor's live check of a filter against a form.
func (s *Service) CheckFilter(ctx context.Context, a engine.Actor, formID, src string) ([]expr.Diagnostic, error) {
	if err := s.admin(ctx, a); err != nil {
		return nil, err
	}
	v, err := s.e.CurrentVersion(ctx, a, formID)
	if err != nil {
		return nil, err
	}
	_, diags := expr.Check(src, v.Env())
	if diags == nil {
		diags = []expr.Diagnostic{}
	}
	return diags, nil
}
