package webhook

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
)

// A public link is a form's shareable fill-in page for people without an
// account (a contact form on a website, a sign-up sheet): whoever has the
// link's unguessable token may read the fields the link shows and submit
// a record. The submission goes through the normal write pipeline
// (validation, unique fields, stage gates, automations, history) with
// source "public", acting as the link's member (the admin who set it up,
// or a chosen member with create permission on the form). The token is
// stored only as a SHA-256 hash and shown once when it is made; a rotated
// or disabled link answers like a missing one.

// Limits and defaults of public links.
const (
	// MaxPublicBody is the largest public submission body.
	MaxPublicBody = 64 << 10
	// DefaultPublicPerIP is the submissions one client address may make
	// through one link per hour when the link does not say.
	DefaultPublicPerIP = 20
	// MaxPublicPerIP bounds the per-address setting.
	MaxPublicPerIP = 1000
	// maxPublicText bounds the title, description and thank-you message.
	maxPublicTitle = 200
	maxPublicText  = 2000
	// PublicHoneypot is the name of the field the public page renders
	// invisible: people leave it empty, form-filling bots do not.
	PublicHoneypot = "website"
)

// Error codes of public links (texts in engine/i18n/messages_webhook.go).
const (
	CodePublicFieldType   = "public_field_type"
	CodePublicHidden      = "public_required_hidden"
	CodePublicUnknown     = "public_unknown_field"
	CodePublicLimit       = "public_limit"
	CodePublicNoFields    = "public_no_fields"
	CodePublicPreset      = "public_preset_shown"
	collPublicLinks       = "webhook_public_links"
	publicRateWindow      = time.Hour
	maxAddrWindows        = 50000
	publicLinkIDPrefix    = "pl_"
	publicLinkFieldsLimit = 200
)

// Errors of a public call the server maps to statuses.
var (
	// ErrLinkUnknown: no enabled link has that token (404; a disabled,
	// rotated or deleted link answers the same).
	ErrLinkUnknown = errors.New("webhook: unknown public link")
	// ErrLinkClosed: the link took its submission limit (410).
	ErrLinkClosed = errors.New("webhook: the public link takes no more submissions")
)

// publicTypes are the field types a public link may show: values a
// stranger can type. Relations, lookups, users and departments would
// reveal other records or the organisation; files need an upload a
// stranger may not make; computed fields are not typed in.
var publicTypes = map[string]bool{"text": true, "textarea": true, "number": true, "money": true, "percent": true, "rating": true,
	"date": true, "datetime": true, "select": true, "multiselect": true, "boolean": true, "email": true, "phone": true, "url": true,
	"address": true}

// PublicLink is a form's public link as its admins see it (never the token).
type PublicLink struct {
	ID        string   `json:"id"`
	Workspace string   `json:"workspace"`
	Form      string   `json:"form"`
	Fields    []string `json:"fields"`
	// Title and Description head the page (the form's name when empty);
	// Thanks is shown after a submission.
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	Thanks      string `json:"thanks,omitempty"`
	// MaxSubmissions closes the link after that many submissions (0: no limit).
	MaxSubmissions int `json:"maxSubmissions,omitempty"`
	// PerIPHour is how many submissions one client address may make per
	// hour (0: DefaultPublicPerIP).
	PerIPHour int `json:"perIpHour,omitempty"`
	// Presets are fixed values of fields the link does not show (which
	// channel a submission came from), written with every submission
	// through the pipeline.
	Presets     map[string]any `json:"presets,omitempty"`
	Enabled     bool           `json:"enabled"`
	HasToken    bool           `json:"hasToken"`
	Submissions int            `json:"submissions"`
	Actor       string         `json:"actor"`
	Version     int64          `json:"version"`
	CreatedAt   time.Time      `json:"createdAt"`
	UpdatedAt   time.Time      `json:"updatedAt"`
}

// PublicLinkInput is what a form admin sets on the link.
type PublicLinkInput struct {
	Fields         []string       `json:"fields"`
	Title          string         `json:"title"`
	Description    string         `json:"description"`
	Thanks         string         `json:"thanks"`
	MaxSubmissions int            `json:"maxSubmissions"`
	PerIPHour      int            `json:"perIpHour"`
	Presets        map[string]any `json:"presets"`
	Enabled        *bool          `json:"enabled"`
	// Actor is the member submissions write as; "" keeps the current one
	// (for a new link, the admin saving it).
	Actor string `json:"actor"`
}

// PublicLinkSaved is the link after a save or a rotation; Token is set
// only when a new token was made (the first enable, a rotation) and is
// shown this once.
type PublicLinkSaved struct {
	PublicLink
	Token string `json:"token,omitempty"`
}

// PublicField is a field as the public page gets it: what a stranger
// needs to fill it in, nothing of the form's internals (no expressions,
// no other forms, no default formulas).
type PublicField struct {
	Key         string        `json:"key"`
	Type        string        `json:"type"`
	Label       string        `json:"label"`
	Description string        `json:"description,omitempty"`
	Required    bool          `json:"required,omitempty"`
	Options     []form.Option `json:"options,omitempty"`
	Display     string        `json:"display,omitempty"`
	Default     any           `json:"default,omitempty"`
	MinLength   *int          `json:"minLength,omitempty"`
	MaxLength   *int          `json:"maxLength,omitempty"`
	Min         *float64      `json:"min,omitempty"`
	Max         *float64      `json:"max,omitempty"`
	Precision   *int          `json:"precision,omitempty"`
	Currency    string        `json:"currency,omitempty"`
}

// PublicForm is the public page's design.
type PublicForm struct {
	Title       string        `json:"title"`
	Description string        `json:"description,omitempty"`
	Thanks      string        `json:"thanks,omitempty"`
	Columns     int           `json:"columns,omitempty"`
	Fields      []PublicField `json:"fields"`
	// Honeypot names the field the page must render invisible and send
	// empty.
	Honeypot string `json:"honeypot"`
}

// PublicResult answers a submission; the record's id is not given out.
type PublicResult struct {
	OK     bool   `json:"ok"`
	Thanks string `json:"thanks,omitempty"`
	// record is the id written (tests and logs), never sent.
	record string
}

func publicLinkID(formID string) string { return publicLinkIDPrefix + formID }

func publicFrom(d store.Document) PublicLink {
	l := PublicLink{ID: d.ID, Version: d.Version, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, Workspace: str(d.Data, "workspace"),
		Form: str(d.Data, "form"), Title: str(d.Data, "title"), Description: str(d.Data, "description"), Thanks: str(d.Data, "thanks"),
		Actor: str(d.Data, "actor"), Enabled: boolOf(d.Data, "enabled"), HasToken: str(d.Data, "token_hash") != "",
		MaxSubmissions: intOf(d.Data["max_submissions"]), PerIPHour: intOf(d.Data["per_ip_hour"]), Submissions: intOf(d.Data["submissions"])}
	if m, ok := d.Data["presets"].(map[string]any); ok && len(m) > 0 {
		l.Presets = m
	}
	l.Fields = []string{}
	if list, ok := d.Data["fields"].([]any); ok {
		for _, x := range list {
			if s, ok := x.(string); ok {
				l.Fields = append(l.Fields, s)
			}
		}
	}
	return l
}

func intOf(v any) int {
	switch n := v.(type) {
	case int:
		return n
	case int64:
		return int(n)
	case float64:
		return int(n)
	case int32:
		return int(n)
	}
	return 0
}

// formAdmin checks the actor may design form (who may design a form may
// publish it to strangers).
func (s *Service) formAdmin(ctx context.Context, a engine.Actor, formID string) error {
	_, err := s.e.Authorize(ctx, a, engine.ActFormDesign, engine.Resource{Form: formID})
	return err
}

// checkPublicFields checks a link's field choice against a form version:
// every field exists and is of a type strangers may fill in, and every
// required field the link leaves out has a default (the rest get their
// defaults). v nil checks only the list's shape.
func checkPublicFields(v *engine.Version, fields []string, presets map[string]any, prefix string, now time.Time) []field.Error {
	var errs []field.Error
	if len(fields) == 0 {
		return []field.Error{fieldErr(prefix+"fields", CodePublicNoFields, nil)}
	}
	if len(fields) > publicLinkFieldsLimit {
		return []field.Error{fieldErr(prefix+"fields", CodeTooMany, map[string]any{"max": publicLinkFieldsLimit})}
	}
	seen := map[string]bool{}
	for i, k := range fields {
		path := fmt.Sprintf("%sfields.%d", prefix, i)
		if seen[k] {
			errs = append(errs, fieldErr(path, engine.CodeTemplateDuplicate, map[string]any{"key": k}))
			continue
		}
		seen[k] = true
		if v == nil {
			continue
		}
		f, ok := v.Field(k)
		if !ok {
			errs = append(errs, fieldErr(path, CodeMapping, map[string]any{"field": k}))
			continue
		}
		if !publicTypes[f.Type] {
			errs = append(errs, fieldErr(path, CodePublicFieldType, map[string]any{"field": k, "type": f.Type}))
		}
	}
	if len(presets) > publicLinkFieldsLimit {
		return append(errs, fieldErr(prefix+"presets", CodeTooMany, map[string]any{"max": publicLinkFieldsLimit}))
	}
	for k := range presets {
		path := prefix + "presets." + k
		if seen[k] {
			errs = append(errs, fieldErr(path, CodePublicPreset, map[string]any{"field": k}))
			continue
		}
		if v == nil {
			continue
		}
		if f, ok := v.Field(k); !ok {
			errs = append(errs, fieldErr(path, CodeMapping, map[string]any{"field": k}))
		} else if !publicTypes[f.Type] {
			errs = append(errs, fieldErr(path, CodePublicFieldType, map[string]any{"field": k, "type": f.Type}))
		} else if ft, ok := field.Get(f.Type); ok {
			// The value as a write would read it (an option that does
			// not exist, a number that is not one), so that a preset
			// cannot make every submission fail on a field nobody sees.
			if _, ferrs := ft.Normalize(field.Context{Now: now}, f, path, presets[k]); len(ferrs) > 0 {
				errs = append(errs, ferrs...)
			}
		}
	}
	if v != nil {
		for _, f := range v.Def.Fields {
			if f.Required && !seen[f.Key] && presets[f.Key] == nil && f.Default == nil && f.DefaultExpression == "" && f.Type != "serial" && f.Type != "formula" {
				errs = append(errs, fieldErr(prefix+"fields", CodePublicHidden, map[string]any{"field": f.Key, "label": f.Label}))
			}
		}
	}
	return errs
}

// checkPublicInput validates a link's settings; v is the form's version
// (nil: not installed yet, the fields were checked against its design).
func checkPublicInput(in *PublicLinkInput, prefix string) []field.Error {
	var errs []field.Error
	in.Title, in.Description, in.Thanks = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description), strings.TrimSpace(in.Thanks)
	if len([]rune(in.Title)) > maxPublicTitle {
		errs = append(errs, fieldErr(prefix+"title", CodeTooLong, map[string]any{"max": maxPublicTitle}))
	}
	if len([]rune(in.Description)) > maxPublicText {
		errs = append(errs, fieldErr(prefix+"description", CodeTooLong, map[string]any{"max": maxPublicText}))
	}
	if len([]rune(in.Thanks)) > maxPublicText {
		errs = append(errs, fieldErr(prefix+"thanks", CodeTooLong, map[string]any{"max": maxPublicText}))
	}
	if in.MaxSubmissions < 0 || in.MaxSubmissions > 10_000_000 {
		errs = append(errs, fieldErr(prefix+"maxSubmissions", CodePublicLimit, map[string]any{"min": 0, "max": 10_000_000}))
	}
	if in.PerIPHour < 0 || in.PerIPHour > MaxPublicPerIP {
		errs = append(errs, fieldErr(prefix+"perIpHour", CodePublicLimit, map[string]any{"min": 0, "max": MaxPublicPerIP}))
	}
	return errs
}

func (in PublicLinkInput) data(ws, form string) map[string]any {
	presets := map[string]any{}
	for k, v := range in.Presets {
		presets[k] = v
	}
	fields := make([]any, len(in.Fields))
	for i, f := range in.Fields {
		fields[i] = f
	}
	return map[string]any{"workspace": ws, "form": form, "fields": fields, "title": in.Title, "description": in.Description,
		"thanks": in.Thanks, "max_submissions": in.MaxSubmissions, "per_ip_hour": in.PerIPHour, "actor": in.Actor,
		"presets": presets}
}

// publicDoc reads the form's link of the actor's workspace.
func (s *Service) publicDoc(ctx context.Context, ws, formID string) (store.Document, error) {
	notFound := fmt.Errorf("%w: public link of form %q", engine.ErrNotFound, formID)
	if store.ValidateID(formID) != nil {
		return store.Document{}, notFound
	}
	d, err := s.st.Get(ctx, collPublicLinks, publicLinkID(formID))
	if errors.Is(err, store.ErrNotFound) || err == nil && str(d.Data, "workspace") != ws {
		return store.Document{}, notFound
	}
	return d, err
}

// PublicLinkOf returns a form's public link (ErrNotFound when it has none).
func (s *Service) PublicLinkOf(ctx context.Context, a engine.Actor, formID string) (PublicLink, error) {
	if err := s.formAdmin(ctx, a, formID); err != nil {
		return PublicLink{}, err
	}
	d, err := s.publicDoc(ctx, a.Workspace, formID)
	if err != nil {
		return PublicLink{}, err
	}
	return publicFrom(d), nil
}

// SavePublicLink creates or replaces a form's public link (version > 0
// makes it a compare-and-set). Enabling a link that has no token yet
// makes one, returned this once.
func (s *Service) SavePublicLink(ctx context.Context, a engine.Actor, formID string, in PublicLinkInput, version int64) (PublicLinkSaved, error) {
	return s.savePublicLink(ctx, a, formID, in, version, false)
}

// savePublicLink is SavePublicLink; keepState keeps the link's enabled
// flag and actor (a template upgrade never switches a link on or changes
// who it acts as).
func (s *Service) savePublicLink(ctx context.Context, a engine.Actor, formID string, in PublicLinkInput, version int64, keepState bool) (PublicLinkSaved, error) {
	if err := s.formAdmin(ctx, a, formID); err != nil {
		return PublicLinkSaved{}, err
	}
	cur, err := s.publicDoc(ctx, a.Workspace, formID)
	exists := err == nil
	if err != nil && !errors.Is(err, engine.ErrNotFound) {
		return PublicLinkSaved{}, err
	}
	v, err := s.e.CurrentVersion(ctx, a, formID)
	if err != nil {
		return PublicLinkSaved{}, err
	}
	errs := checkPublicInput(&in, "")
	errs = append(errs, checkPublicFields(v, in.Fields, in.Presets, "", s.now())...)
	current := a.UserID
	if exists {
		current = str(cur.Data, "actor")
	}
	if keepState {
		in.Actor = ""
	}
	actor, aerrs := s.chooseActor(ctx, a.Workspace, in.Actor, current, formID, engine.ActRecordCreate)
	in.Actor = actor
	errs = append(errs, aerrs...)
	if err := invalid(errs...); err != nil {
		return PublicLinkSaved{}, err
	}
	data := in.data(a.Workspace, formID)
	if exists {
		carry(data, cur.Data, "token_hash", "enabled", "submissions")
	} else {
		data["enabled"], data["submissions"] = false, 0
	}
	if in.Enabled != nil && !keepState {
		data["enabled"] = *in.Enabled
	}
	out := PublicLinkSaved{}
	if data["enabled"] == true && str(data, "token_hash") == "" {
		out.Token = newToken()
		data["token_hash"] = tokenHash(out.Token)
	}
	w := store.Write{Op: store.OpInsert, Collection: collPublicLinks, Doc: store.Document{ID: publicLinkID(formID), Data: data}}
	if exists {
		w.Op, w.ExpectVersion = store.OpUpdate, version
	} else if version > 0 {
		return PublicLinkSaved{}, fmt.Errorf("%w: the public link of form %s was removed meanwhile", engine.ErrConflict, formID)
	}
	res, err := s.st.Commit(ctx, store.UnitOfWork{At: s.now(), Actor: a.UserID, Writes: []store.Write{w}})
	if errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrDuplicate) {
		return PublicLinkSaved{}, fmt.Errorf("%w: the public link of form %s was changed meanwhile", engine.ErrConflict, formID)
	}
	if err != nil {
		return PublicLinkSaved{}, err
	}
	out.PublicLink = publicFrom(res.Docs[0])
	return out, nil
}

// RotatePublicLink gives the link a new token (shown this once) and
// enables it; the old token answers 404 at once.
func (s *Service) RotatePublicLink(ctx context.Context, a engine.Actor, formID string) (PublicLinkSaved, error) {
	if err := s.formAdmin(ctx, a, formID); err != nil {
		return PublicLinkSaved{}, err
	}
	d, err := s.publicDoc(ctx, a.Workspace, formID)
	if err != nil {
		return PublicLinkSaved{}, err
	}
	token := newToken()
	data := map[string]any{}
	for k, v := range d.Data {
		data[k] = v
	}
	data["token_hash"], data["enabled"] = tokenHash(token), true
	res, err := s.st.Commit(ctx, store.UnitOfWork{At: s.now(), Actor: a.UserID, Writes: []store.Write{{
		Op: store.OpUpdate, Collection: collPublicLinks, ExpectVersion: d.Version, Doc: store.Document{ID: d.ID, Data: data}}}})
	if errors.Is(err, store.ErrConflict) {
		return PublicLinkSaved{}, fmt.Errorf("%w: the public link of form %s was changed meanwhile", engine.ErrConflict, formID)
	}
	if err != nil {
		return PublicLinkSaved{}, err
	}
	return PublicLinkSaved{PublicLink: publicFrom(res.Docs[0]), Token: token}, nil
}

// DeletePublicLink removes a form's public link; its URL answers 404.
func (s *Service) DeletePublicLink(ctx context.Context, a engine.Actor, formID string) error {
	if err := s.formAdmin(ctx, a, formID); err != nil {
		return err
	}
	d, err := s.publicDoc(ctx, a.Workspace, formID)
	if err != nil {
		return err
	}
	_, err = s.st.Commit(ctx, store.UnitOfWork{At: s.now(), Actor: a.UserID, Writes: []store.Write{{
		Op: store.OpHardDelete, Collection: collPublicLinks, Doc: store.Document{ID: d.ID}}}})
	return err
}

// linkByToken finds the enabled link with the token.
func (s *Service) linkByToken(ctx context.Context, token string) (store.Document, error) {
	if len(token) < 16 || len(token) > 128 {
		return store.Document{}, ErrLinkUnknown
	}
	h := tokenHash(token)
	f := store.Where("token_hash", store.OpEq, h)
	p, err := s.st.Find(ctx, collPublicLinks, store.Query{Filter: &f, Limit: 2})
	if err != nil {
		return store.Document{}, err
	}
	for _, d := range p.Docs {
		if subtle.ConstantTimeCompare([]byte(h), []byte(str(d.Data, "token_hash"))) == 1 && boolOf(d.Data, "enabled") {
			return d, nil
		}
	}
	return store.Document{}, ErrLinkUnknown
}

// PublicFormOf is the public page's design: the link's fields of the
// form's current version, in the form's order, with labels and options
// only. Anyone with the token may read it.
func (s *Service) PublicFormOf(ctx context.Context, token string) (PublicForm, error) {
	d, err := s.linkByToken(ctx, token)
	if err != nil {
		return PublicForm{}, err
	}
	l := publicFrom(d)
	a, err := s.actorOf(ctx, l.Workspace, l.Actor, engine.SourcePublic)
	if err != nil {
		return PublicForm{}, ErrLinkUnknown
	}
	fm, err := s.e.Form(ctx, a, l.Form)
	if err != nil {
		return PublicForm{}, ErrLinkUnknown
	}
	v, err := s.e.CurrentVersion(ctx, a, l.Form)
	if err != nil {
		return PublicForm{}, ErrLinkUnknown
	}
	out := PublicForm{Title: l.Title, Description: l.Description, Thanks: l.Thanks, Columns: 1, Honeypot: PublicHoneypot, Fields: []PublicField{}}
	if out.Title == "" {
		out.Title = fm.Name
	}
	shown := map[string]bool{}
	for _, k := range l.Fields {
		shown[k] = true
	}
	for _, f := range v.Def.Fields {
		if !shown[f.Key] || !publicTypes[f.Type] {
			continue
		}
		pf := PublicField{Key: f.Key, Type: f.Type, Label: f.Label, Description: f.Description, Required: f.Required, Display: f.Display,
			MinLength: f.MinLength, MaxLength: f.MaxLength, Min: f.Min, Max: f.Max, Precision: f.Precision, Currency: f.Currency}
		if f.DefaultExpression == "" {
			pf.Default = f.Default
		}
		for _, o := range f.Options {
			pf.Options = append(pf.Options, form.Option{Value: o.Value, Label: o.Label, Color: o.Color})
		}
		out.Fields = append(out.Fields, pf)
	}
	return out, nil
}

// allowPublic counts one call of client ip on link id in the current
// hour and reports whether it is within limit.
func (s *Service) allowPublic(link, ip string, limit int) bool {
	now := s.now()
	key := "pl:" + link + "|" + ip
	s.mu.Lock()
	w := s.addrRates[key]
	if w == nil {
		if len(s.addrRates) >= maxAddrWindows {
			// Drop the windows that have run out; if every one is current
			// (that many addresses this hour), start over: the per-link
			// window in rates still bounds the link.
			for k, x := range s.addrRates {
				x.mu.Lock()
				old := now.Sub(x.start) >= publicRateWindow
				x.mu.Unlock()
				if old {
					delete(s.addrRates, k)
				}
			}
			if len(s.addrRates) >= maxAddrWindows {
				clear(s.addrRates)
			}
		}
		w = &rateWindow{start: now}
		s.addrRates[key] = w
	}
	s.mu.Unlock()
	w.mu.Lock()
	defer w.mu.Unlock()
	if now.Sub(w.start) >= publicRateWindow {
		w.start, w.n = now, 0
	}
	w.n++
	return w.n <= limit
}

// SubmitPublic writes one submission of the link with the token from
// client address ip: the rate per address and per link, the submission
// limit, then the values, which may name only the link's fields, through
// the write pipeline (per-field errors write nothing). A filled honeypot
// answers like a success and writes nothing.
func (s *Service) SubmitPublic(ctx context.Context, token, ip string, values map[string]any, honeypot string) (PublicResult, error) {
	d, err := s.linkByToken(ctx, token)
	if err != nil {
		return PublicResult{}, err
	}
	l := publicFrom(d)
	limit := l.PerIPHour
	if limit <= 0 {
		limit = DefaultPublicPerIP
	}
	if !s.allowPublic(l.ID, ip, limit) || !s.allowCall("pl:"+l.ID) {
		return PublicResult{}, ErrRateLimited
	}
	if strings.TrimSpace(honeypot) != "" {
		s.log.Info("public link: honeypot filled, nothing written", "link", l.ID)
		return PublicResult{OK: true, Thanks: l.Thanks}, nil
	}
	if l.MaxSubmissions > 0 && l.Submissions >= l.MaxSubmissions {
		return PublicResult{}, ErrLinkClosed
	}
	var errs []field.Error
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !slices.Contains(l.Fields, k) {
			if len(k) > 64 {
				k = k[:64]
			}
			errs = append(errs, fieldErr(k, CodePublicUnknown, map[string]any{"field": k}))
		}
	}
	if err := invalid(errs...); err != nil {
		return PublicResult{}, err
	}
	a, err := s.actorOf(ctx, l.Workspace, l.Actor, engine.SourcePublic)
	if err != nil {
		return PublicResult{}, ErrLinkUnknown
	}
	for k, v := range l.Presets {
		values[k] = v
	}
	rec, err := s.e.CreateRecord(ctx, a, l.Form, values, engine.WriteOptions{})
	if errors.Is(err, engine.ErrNotFound) {
		return PublicResult{}, ErrLinkUnknown
	}
	if err != nil {
		return PublicResult{}, err
	}
	s.countSubmission(ctx, d)
	return PublicResult{OK: true, Thanks: l.Thanks, record: rec.ID}, nil
}

// countSubmission adds one to the link's submissions (a compare-and-set
// on d, the link as read for this submission, then retried on fresh
// reads; the limit may be passed by the submissions in flight at once).
func (s *Service) countSubmission(ctx context.Context, d store.Document) {
	for range 5 {
		data := maps.Clone(d.Data)
		data["submissions"] = intOf(d.Data["submissions"]) + 1
		_, err := s.st.Commit(ctx, store.UnitOfWork{At: s.now(), Actor: "webhooks", Writes: []store.Write{{
			Op: store.OpUpdate, Collection: collPublicLinks, ExpectVersion: d.Version, Doc: store.Document{ID: d.ID, Data: data}}}})
		if !errors.Is(err, store.ErrConflict) {
			if err != nil {
				s.log.Warn("could not count a public submission", "link", d.ID, "error", err)
			}
			return
		}
		if d, err = s.st.Get(ctx, collPublicLinks, d.ID); err != nil {
			return
		}
	}
}

// RecordOf returns the id a result wrote (for tests and logs).
func (r PublicResult) RecordOf() string { return r.record }
