package webhook

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/store"
)

// Limits of inbound hooks.
const (
	// MaxInboundBody is the largest payload an inbound hook accepts.
	MaxInboundBody = 256 << 10
	MaxMappings    = 200
	// idempotencyTTL is how long an idempotency key returns its first result.
	idempotencyTTL = 24 * time.Hour
	// maxLoggedPayload is how much of a payload the inbound log keeps.
	maxLoggedPayload = 16 << 10
)

// Verification modes of an inbound hook.
const (
	VerifyNone     = "none"
	VerifyHMAC     = "hmac"
	VerifyStandard = "standard"
)

// InboundHook receives a payload at a public URL and writes a record of
// its form through the write pipeline (Source webhook) as its actor.
type InboundHook struct {
	ID        string `json:"id"`
	Workspace string `json:"workspace"`
	Form      string `json:"form"`
	Name      string `json:"name"`
	// Verify is none, hmac (HMAC-SHA256 of the body in SignatureHeader with
	// the shared secret) or standard (Standard Webhooks headers).
	Verify          string `json:"verify"`
	SignatureHeader string `json:"signatureHeader,omitempty"`
	// Mapping maps field keys to expressions over payload and headers
	// (payload.contact.phone).
	Mapping map[string]string `json:"mapping"`
	// IdempotencyKey is an expression whose value names a delivery: a
	// repeated one creates nothing and answers the first result.
	IdempotencyKey string `json:"idempotencyKey,omitempty"`
	// UpsertField is a field key: a record whose field equals the mapped
	// value is updated instead of creating a new one.
	UpsertField string    `json:"upsertField,omitempty"`
	Enabled     bool      `json:"enabled"`
	Actor       string    `json:"actor"`
	Version     int64     `json:"version"`
	CreatedAt   time.Time `json:"createdAt"`
}

// InboundInput is what an admin sets on an inbound hook.
type InboundInput struct {
	Form            string            `json:"form"`
	Name            string            `json:"name"`
	Verify          string            `json:"verify"`
	SignatureHeader string            `json:"signatureHeader"`
	Mapping         map[string]string `json:"mapping"`
	IdempotencyKey  string            `json:"idempotencyKey"`
	UpsertField     string            `json:"upsertField"`
	Enabled         *bool             `json:"enabled"`
	// Actor is the member the hook writes as (its create permission, and
	// edit for an upsert); "" keeps the current one, which for a new hook
	// is the admin creating it.
	Actor string `json:"actor"`
}

// InboundCreated is a new hook with its URL token (and shared secret when
// it verifies signatures), shown this once.
type InboundCreated struct {
	InboundHook
	Token  string `json:"token"`
	Secret string `json:"secret,omitempty"`
}

func inboundFrom(d store.Document) InboundHook {
	h := InboundHook{ID: d.ID, Version: d.Version, CreatedAt: d.CreatedAt, Workspace: str(d.Data, "workspace"), Form: str(d.Data, "form"),
		Name: str(d.Data, "name"), Verify: str(d.Data, "verify"), SignatureHeader: str(d.Data, "signature_header"),
		Mapping: stringMap(d.Data["mapping"]), IdempotencyKey: str(d.Data, "idempotency_key"), UpsertField: str(d.Data, "upsert_field"),
		Actor: str(d.Data, "actor")}
	h.Enabled = boolOf(d.Data, "enabled")
	return h
}

// mappingEnv is the environment of mapping expressions.
var mappingEnv = expr.Env{Fields: map[string]expr.Type{"payload": expr.Any, "headers": expr.Any}}

// checkInbound validates a hook's settings, every problem at once;
// current is the hook's actor so far.
func (s *Service) checkInbound(ctx context.Context, a engine.Actor, in *InboundInput, current string) error {
	var errs []field.Error
	var v *engine.Version
	if in.Form == "" {
		errs = append(errs, fieldErr("form", CodeRequired, nil))
	} else if vv, err := s.e.CurrentVersion(ctx, a, in.Form); err != nil {
		errs = append(errs, fieldErr("form", CodeForm, map[string]any{"form": in.Form}))
	} else {
		v = vv
	}
	acts := []engine.Action{engine.ActRecordCreate}
	if in.UpsertField != "" {
		acts = append(acts, engine.ActRecordEdit)
	}
	if v != nil {
		actor, aerrs := s.chooseActor(ctx, a.Workspace, in.Actor, current, in.Form, acts...)
		in.Actor = actor
		errs = append(errs, aerrs...)
	}
	errs = append(checkInboundSettings(in, v, ""), errs...)
	return invalid(errs...)
}

// checkInboundSettings checks what a hook's settings say by themselves
// and, when v is given, its mapping against the form's fields; prefix
// starts every path (a template item's key).
func checkInboundSettings(in *InboundInput, v *engine.Version, prefix string) []field.Error {
	var errs []field.Error
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		errs = append(errs, fieldErr(prefix+"name", CodeRequired, nil))
	} else if len([]rune(in.Name)) > 100 {
		errs = append(errs, fieldErr(prefix+"name", CodeTooLong, map[string]any{"max": 100}))
	}
	if in.Verify == "" {
		in.Verify = VerifyNone
	}
	switch in.Verify {
	case VerifyNone, VerifyStandard:
	case VerifyHMAC:
		if in.SignatureHeader == "" {
			in.SignatureHeader = "X-Signature"
		}
		if !validHeaderName(in.SignatureHeader) {
			errs = append(errs, fieldErr(prefix+"signatureHeader", CodeHeader, map[string]any{"name": in.SignatureHeader}))
		}
	default:
		errs = append(errs, fieldErr(prefix+"verify", CodeSignature, map[string]any{"verify": in.Verify}))
	}
	if len(in.Mapping) == 0 {
		errs = append(errs, fieldErr(prefix+"mapping", CodeRequired, nil))
	}
	if len(in.Mapping) > MaxMappings {
		errs = append(errs, fieldErr(prefix+"mapping", CodeTooMany, map[string]any{"max": MaxMappings}))
	}
	keys := make([]string, 0, len(in.Mapping))
	for k := range in.Mapping {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		src := in.Mapping[k]
		if v != nil {
			if _, ok := v.Field(k); !ok {
				errs = append(errs, fieldErr(prefix+"mapping."+k, CodeMapping, map[string]any{"field": k}))
				continue
			}
		}
		if _, err := expr.Compile(src, mappingEnv, expr.Any); err != nil {
			errs = append(errs, exprErr(prefix+"mapping."+k, err))
		}
	}
	if in.IdempotencyKey != "" {
		if _, err := expr.Compile(in.IdempotencyKey, mappingEnv, expr.Any); err != nil {
			errs = append(errs, exprErr(prefix+"idempotencyKey", err))
		}
	}
	if in.UpsertField != "" {
		if _, ok := in.Mapping[in.UpsertField]; !ok {
			errs = append(errs, fieldErr(prefix+"upsertField", CodeMapping, map[string]any{"field": in.UpsertField}))
		}
	}
	return errs
}

func (in InboundInput) data(ws string) map[string]any {
	m := map[string]any{}
	for k, v := range in.Mapping {
		m[k] = v
	}
	return map[string]any{"workspace": ws, "form": in.Form, "name": in.Name, "verify": in.Verify, "signature_header": in.SignatureHeader,
		"mapping": m, "idempotency_key": in.IdempotencyKey, "upsert_field": in.UpsertField, "actor": in.Actor}
}

func newToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func tokenHash(t string) string {
	h := sha256.Sum256([]byte(t))
	return hex.EncodeToString(h[:])
}

// CreateInbound adds an inbound hook; its URL token (stored only as a
// hash) and its shared secret are shown this once.
func (s *Service) CreateInbound(ctx context.Context, a engine.Actor, in InboundInput) (InboundCreated, error) {
	if err := s.admin(ctx, a); err != nil {
		return InboundCreated{}, err
	}
	if err := s.checkInbound(ctx, a, &in, a.UserID); err != nil {
		return InboundCreated{}, err
	}
	token := newToken()
	data := in.data(a.Workspace)
	data["enabled"] = in.Enabled == nil || *in.Enabled
	data["token_hash"] = tokenHash(token)
	out := InboundCreated{Token: token}
	switch in.Verify {
	case VerifyHMAC:
		out.Secret = newToken()
	case VerifyStandard:
		out.Secret = newSecret()
	}
	if out.Secret != "" {
		data["secret"] = s.seal.seal(out.Secret)
	}
	res, err := s.st.Commit(ctx, store.UnitOfWork{At: s.now(), Actor: a.UserID, Writes: []store.Write{{
		Op: store.OpInsert, Collection: collInbound, Doc: store.Document{ID: "wi_" + store.NewID(), Data: data}}}})
	if err != nil {
		return InboundCreated{}, err
	}
	out.InboundHook = inboundFrom(res.Docs[0])
	return out, nil
}

// InboundHooks lists the workspace's inbound hooks.
func (s *Service) InboundHooks(ctx context.Context, a engine.Actor) ([]InboundHook, error) {
	return listConfig(ctx, s, a, kindInbound, inboundFrom)
}

func (s *Service) inboundDoc(ctx context.Context, ws, id string) (store.Document, error) {
	return s.configDoc(ctx, kindInbound, ws, id)
}

// UpdateInbound replaces a hook's settings (token and secret are kept).
func (s *Service) UpdateInbound(ctx context.Context, a engine.Actor, id string, in InboundInput, version int64) (InboundHook, error) {
	d, err := s.ownConfigDoc(ctx, a, kindInbound, id)
	if err != nil {
		return InboundHook{}, err
	}
	if err := s.checkInbound(ctx, a, &in, str(d.Data, "actor")); err != nil {
		return InboundHook{}, err
	}
	data := in.data(a.Workspace)
	carry(data, d.Data, "token_hash", "secret", "enabled")
	if in.Enabled != nil {
		data["enabled"] = *in.Enabled
	}
	if in.Verify != str(d.Data, "verify") && in.Verify != VerifyNone {
		return InboundHook{}, invalid(fieldErr("verify", CodeSignature, map[string]any{"verify": in.Verify}))
	}
	nd, err := s.replaceConfig(ctx, a, kindInbound, id, data, version)
	if err != nil {
		return InboundHook{}, err
	}
	return inboundFrom(nd), nil
}

// DeleteInbound removes a hook; its URL stops answering.
func (s *Service) DeleteInbound(ctx context.Context, a engine.Actor, id string) error {
	return s.deleteConfig(ctx, a, kindInbound, id)
}

// Inbound errors the receiver maps to HTTP statuses.
var (
	// ErrHookUnknown: no enabled hook with that id and token (404: the
	// answer does not tell a wrong token from a missing hook).
	ErrHookUnknown = errors.New("webhook: unknown inbound hook")
	// ErrBadSignature: the signature does not verify (401).
	ErrBadSignature = errors.New("webhook: signature does not verify")
	// ErrRateLimited: the hook took more calls this minute than allowed (429).
	ErrRateLimited = errors.New("webhook: too many calls")
	// ErrTooLarge: the payload is over MaxInboundBody (413).
	ErrTooLarge = errors.New("webhook: payload too large")
)

// InboundResult is what a call wrote.
type InboundResult struct {
	// Record is the id of the record created or updated.
	Record string `json:"record"`
	// Action is "created", "updated" or "duplicate" (an idempotency key seen before).
	Action string `json:"action"`
}

// rateWindow counts a hook's calls in the current minute.
type rateWindow struct {
	mu    sync.Mutex
	start time.Time
	n     int
}

func (s *Service) allowCall(hook string) bool {
	now := s.now()
	s.mu.Lock()
	w := s.rates[hook]
	if w == nil {
		if len(s.rates) > 10000 {
			clear(s.rates)
		}
		w = &rateWindow{start: now}
		s.rates[hook] = w
	}
	s.mu.Unlock()
	w.mu.Lock()
	defer w.mu.Unlock()
	if now.Sub(w.start) >= time.Minute {
		w.start, w.n = now, 0
	}
	w.n++
	return w.n <= s.opts.InboundRate
}

// Receive handles one call of an inbound hook: it checks the token, the
// rate, the size and the signature, maps the payload to fields and writes
// the record (or nothing, with per-field errors). Every call with a valid
// token is logged.
func (s *Service) Receive(ctx context.Context, hookID, token string, headers map[string]string, body []byte) (InboundResult, error) {
	d, err := s.inboundDoc(ctx, "", hookID)
	if err != nil || !boolOf(d.Data, "enabled") ||
		subtle.ConstantTimeCompare([]byte(tokenHash(token)), []byte(str(d.Data, "token_hash"))) != 1 {
		return InboundResult{}, ErrHookUnknown
	}
	if !s.allowCall(hookID) {
		return InboundResult{}, ErrRateLimited
	}
	if len(body) > MaxInboundBody {
		s.logCall(ctx, d, body, InboundResult{}, ErrTooLarge)
		return InboundResult{}, ErrTooLarge
	}
	res, err := s.receive(ctx, d, headers, body)
	s.logCall(ctx, d, body, res, err)
	return res, err
}

func (s *Service) receive(ctx context.Context, d store.Document, headers map[string]string, body []byte) (InboundResult, error) {
	h := inboundFrom(d)
	hdr := map[string]any{}
	for k, v := range headers {
		hdr[strings.ToLower(k)] = v
	}
	if err := s.verifyCall(d, hdr, body); err != nil {
		return InboundResult{}, err
	}
	var payload any
	if err := json.Unmarshal(body, &payload); err != nil {
		return InboundResult{}, invalid(fieldErr("payload", CodeMappingRun, map[string]any{"reason": "the body is not JSON"}))
	}
	in := expr.Input{New: map[string]any{"payload": payload, "headers": hdr}, Old: map[string]any{}, Now: s.now()}
	values := map[string]any{}
	var errs []field.Error
	keys := make([]string, 0, len(h.Mapping))
	for k := range h.Mapping {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p, err := expr.Compile(h.Mapping[k], mappingEnv, expr.Any)
		if err != nil {
			errs = append(errs, exprErr("mapping."+k, err))
			continue
		}
		v, err := p.Run(in)
		if err != nil {
			errs = append(errs, fieldErr("mapping."+k, CodeMappingRun, map[string]any{"reason": errText(err)}))
			continue
		}
		if v != nil {
			values[k] = v
		}
	}
	if len(errs) > 0 {
		return InboundResult{}, invalid(errs...)
	}
	a, err := s.actorOf(ctx, h.Workspace, h.Actor, engine.SourceWebhook)
	if err != nil {
		return InboundResult{}, err
	}
	idem := ""
	if h.IdempotencyKey != "" {
		p, err := expr.Compile(h.IdempotencyKey, mappingEnv, expr.Any)
		if err != nil {
			return InboundResult{}, invalid(exprErr("idempotencyKey", err))
		}
		v, err := p.Run(in)
		if err != nil || v == nil || fmt.Sprint(v) == "" {
			return InboundResult{}, invalid(fieldErr("idempotencyKey", CodeMappingRun, map[string]any{"reason": "no key in the payload"}))
		}
		sum := sha256.Sum256([]byte(fmt.Sprint(v)))
		idem = h.ID + "." + hex.EncodeToString(sum[:16])
		if prev, err := s.st.Get(ctx, collIdem, idem); err == nil {
			if t, _ := store.ParseTime(str(prev.Data, "until")); s.now().Before(t) {
				return InboundResult{Record: str(prev.Data, "record"), Action: "duplicate"}, nil
			}
		}
	}
	res, err := s.write(ctx, a, h, values)
	if err != nil {
		return res, err
	}
	if idem != "" {
		w := store.Write{Op: store.OpInsert, Collection: collIdem, Doc: store.Document{ID: idem, Data: map[string]any{
			"record": res.Record, "until": store.FormatTime(s.now().Add(idempotencyTTL))}}}
		if old, err := s.st.Get(ctx, collIdem, idem); err == nil {
			w.Op, w.ExpectVersion = store.OpUpdate, old.Version
		}
		if _, err := s.st.Commit(ctx, store.UnitOfWork{Actor: a.UserID, Writes: []store.Write{w}}); err != nil {
			s.log.Warn("could not store an inbound idempotency key", "hook", h.ID, "error", err)
		}
	}
	return res, nil
}

// write creates the record, or updates the one whose upsert field holds
// the mapped value.
func (s *Service) write(ctx context.Context, a engine.Actor, h InboundHook, values map[string]any) (InboundResult, error) {
	if h.UpsertField != "" && values[h.UpsertField] != nil {
		f := store.Where(h.UpsertField, store.OpEq, values[h.UpsertField])
		page, err := s.e.QueryRecords(ctx, a, h.Form, engine.RecordQuery{Filter: &f, Limit: 1})
		if err != nil {
			return InboundResult{}, err
		}
		if len(page.Items) > 0 {
			r := page.Items[0]
			rec, err := s.e.UpdateRecord(ctx, a, h.Form, r.ID, values, r.Version, engine.WriteOptions{})
			if err != nil {
				return InboundResult{}, err
			}
			return InboundResult{Record: rec.ID, Action: "updated"}, nil
		}
	}
	rec, err := s.e.CreateRecord(ctx, a, h.Form, values, engine.WriteOptions{})
	if err != nil {
		return InboundResult{}, err
	}
	return InboundResult{Record: rec.ID, Action: "created"}, nil
}

// verifyCall checks the call's signature as the hook is configured.
func (s *Service) verifyCall(d store.Document, hdr map[string]any, body []byte) error {
	mode := str(d.Data, "verify")
	if mode == VerifyNone || mode == "" {
		return nil
	}
	secret, err := s.seal.open(str(d.Data, "secret"))
	if err != nil {
		return err
	}
	switch mode {
	case VerifyHMAC:
		if verifyHMAC(secret, str(hdr, strings.ToLower(str(d.Data, "signature_header"))), body) {
			return nil
		}
	case VerifyStandard:
		if verifyStandard(secret, str(hdr, "webhook-id"), str(hdr, "webhook-timestamp"), str(hdr, "webhook-signature"), body, s.now()) {
			return nil
		}
	}
	return ErrBadSignature
}

// InboundCall is one entry of a hook's log.
type InboundCall struct {
	ID      string        `json:"id"`
	At      time.Time     `json:"at"`
	Payload string        `json:"payload"`
	OK      bool          `json:"ok"`
	Result  InboundResult `json:"result"`
	Error   string        `json:"error,omitempty"`
	// Errors are the per-field problems of a payload that wrote nothing.
	Errors []field.Error `json:"errors,omitempty"`
}

func (s *Service) logCall(ctx context.Context, d store.Document, body []byte, res InboundResult, err error) {
	p := body
	if len(p) > maxLoggedPayload {
		p = p[:maxLoggedPayload]
	}
	data := map[string]any{"hook": d.ID, "workspace": str(d.Data, "workspace"), "payload": strings.ToValidUTF8(string(p), "\uFFFD"),
		"ok": err == nil, "record": res.Record, "action": res.Action, "error": errText(err)}
	var ve *engine.ValidationError
	if errors.As(err, &ve) {
		list := make([]any, len(ve.Fields))
		for i, f := range ve.Fields {
			list[i] = map[string]any{"path": f.Path, "code": f.Code, "params": f.Params}
		}
		data["errors"] = list
	}
	if _, cerr := s.st.Commit(ctx, store.UnitOfWork{At: s.now(), Actor: "webhooks", Writes: []store.Write{{
		Op: store.OpInsert, Collection: collInboundLog, Doc: store.Document{Data: data}}}}); cerr != nil {
		s.log.Warn("could not log an inbound call", "hook", d.ID, "error", cerr)
	}
}

// InboundCalls lists a hook's recent calls, newest first (the mapping
// editor maps from their payloads).
func (s *Service) InboundCalls(ctx context.Context, a engine.Actor, hookID string, limit int) ([]InboundCall, error) {
	if err := s.admin(ctx, a); err != nil {
		return nil, err
	}
	if _, err := s.inboundDoc(ctx, a.Workspace, hookID); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	f := store.Where("hook", store.OpEq, hookID)
	p, err := s.st.Find(ctx, collInboundLog, store.Query{Filter: &f, Sort: []store.SortKey{{Field: store.FieldCreatedAt, Desc: true}, {Field: store.FieldID, Desc: true}}, Limit: limit})
	if err != nil {
		return nil, err
	}
	out := make([]InboundCall, len(p.Docs))
	for i, d := range p.Docs {
		c := InboundCall{ID: d.ID, At: d.CreatedAt, Payload: str(d.Data, "payload"), OK: boolOf(d.Data, "ok"),
			Result: InboundResult{Record: str(d.Data, "record"), Action: str(d.Data, "action")}, Error: str(d.Data, "error")}
		list, _ := d.Data["errors"].([]any)
		for _, x := range list {
			m, _ := x.(map[string]any)
			params, _ := m["params"].(map[string]any)
			c.Errors = append(c.Errors, field.Error{Path: str(m, "path"), Code: str(m, "code"), Params: params})
		}
		out[i] = c
	}
	return out, nil
}

// CheckMapping is the mapping editor's live check of one expression.
func (s *Service) CheckMapping(ctx context.Context, a engine.Actor, src string) ([]expr.Diagnostic, error) {
	if err := s.admin(ctx, a); err != nil {
		return nil, err
	}
	_, diags := expr.Check(src, mappingEnv)
	if diags == nil {
		diags = []expr.Diagnostic{}
	}
	return diags, nil
}
