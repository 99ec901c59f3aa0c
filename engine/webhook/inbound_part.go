package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"sort"
	"strings"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
)

// Template part kinds of inbound capture.
const (
	// PartInbound is the part of inbound hooks.
	PartInbound = "inbound"
	// PartPublicLinks is the part of forms' public links.
	PartPublicLinks = "publinks"
)

// InboundSpec is an inbound hook in a template. It never holds a token
// or a secret: the hook is installed switched off with a URL token (and,
// for hmac or standard verification, a shared secret) that nobody has
// seen; an admin rotates it to get them (RotateInbound, which switches
// the hook on). Form is the template's form key.
type InboundSpec struct {
	Form            string            `json:"form"`
	Name            string            `json:"name"`
	Verify          string            `json:"verify,omitempty"`
	SignatureHeader string            `json:"signatureHeader,omitempty"`
	Mapping         map[string]string `json:"mapping"`
	IdempotencyKey  string            `json:"idempotencyKey,omitempty"`
	UpsertField     string            `json:"upsertField,omitempty"`
}

// PublicLinkSpec is a form's public link in a template; the item key is
// the form's key (a form has one link). It is installed switched off and
// without a token: a form admin enables it, which makes the token.
type PublicLinkSpec struct {
	Fields         []string       `json:"fields"`
	Title          string         `json:"title,omitempty"`
	Description    string         `json:"description,omitempty"`
	Thanks         string         `json:"thanks,omitempty"`
	MaxSubmissions int            `json:"maxSubmissions,omitempty"`
	PerIPHour      int            `json:"perIpHour,omitempty"`
	Presets        map[string]any `json:"presets,omitempty"`
}

// RotateInbound gives a hook a new URL token and, when it verifies
// signatures, a new shared secret, both shown this once, and switches it
// on: the old URL answers 404 at once. A hook installed from a template
// starts this way.
func (s *Service) RotateInbound(ctx context.Context, a engine.Actor, id string) (InboundCreated, error) {
	d, err := s.ownConfigDoc(ctx, a, kindInbound, id)
	if err != nil {
		return InboundCreated{}, err
	}
	data := maps.Clone(d.Data)
	out := InboundCreated{Token: newToken()}
	data["token_hash"], data["enabled"] = tokenHash(out.Token), true
	switch str(d.Data, "verify") {
	case VerifyHMAC:
		out.Secret = newToken()
	case VerifyStandard:
		out.Secret = newSecret()
	}
	if out.Secret != "" {
		data["secret"] = s.seal.seal(out.Secret)
	}
	nd, err := s.replaceConfig(ctx, a, kindInbound, id, data, d.Version)
	if err != nil {
		return InboundCreated{}, err
	}
	out.InboundHook = inboundFrom(nd)
	return out, nil
}

type capturePart struct {
	e *engine.Engine
	s *Service
}

// registerCaptureParts registers the inbound and publinks parts.
func registerCaptureParts(e *engine.Engine, svc *Service) error {
	p := capturePart{e: e, s: svc}
	if err := e.TemplateParts().Register(engine.TemplatePart{Kind: PartInbound,
		Check: p.checkInbound, Install: p.installInbound, Update: p.updateInbound, Remove: p.removeInbound, Export: p.exportInbound,
		Normalize: normalizeInbound}); err != nil {
		return err
	}
	return e.TemplateParts().Register(engine.TemplatePart{Kind: PartPublicLinks,
		Check: p.checkLinks, Install: p.installLinks, Update: p.updateLink, Remove: p.removeLink, Export: p.exportLinks,
		Normalize: normalizeLink})
}

// formOf resolves a form key: its id once installed, pending when the
// template declares it and it is not installed yet.
func formOf(refs *engine.TemplateRefs, path, key string, install bool) (id string, pending bool, errs []field.Error) {
	if id, ok := refs.ID("forms", key); ok {
		return id, false, nil
	}
	if !install && refs.Known("forms", key) {
		return "", true, nil
	}
	return "", false, []field.Error{engine.TemplateRefError(path, "forms", key)}
}

func (sp InboundSpec) input(form string) InboundInput {
	off := false
	return InboundInput{Form: form, Name: sp.Name, Verify: sp.Verify, SignatureHeader: sp.SignatureHeader, Mapping: maps.Clone(sp.Mapping),
		IdempotencyKey: sp.IdempotencyKey, UpsertField: sp.UpsertField, Enabled: &off}
}

func (p capturePart) checkInbound(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs, items []engine.TemplateItem) error {
	errs := engine.TemplateItemsValid(items)
	for _, it := range items {
		var sp InboundSpec
		if fe := engine.DecodeTemplateSpec(it, &sp); fe != nil {
			errs = append(errs, *fe)
			continue
		}
		id, pending, fe := formOf(refs, it.Key+".form", sp.Form, false)
		errs = append(errs, fe...)
		if len(fe) > 0 {
			continue
		}
		in := sp.input(id)
		if !pending {
			if err := p.s.checkInbound(ctx, a, &in, a.UserID); err != nil {
				e, err := engine.TemplateItemErrors(it.Key, err)
				if err != nil {
					return err
				}
				errs = append(errs, e...)
			}
			continue
		}
		v, err := p.e.TemplateFormVersion(ctx, refs, sp.Form)
		if err != nil {
			return err
		}
		errs = append(errs, checkInboundSettings(&in, v, it.Key+".")...)
	}
	if len(errs) > 0 {
		return &engine.ValidationError{Fields: errs}
	}
	return nil
}

func (p capturePart) installInbound(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs, items []engine.TemplateItem) error {
	for _, it := range items {
		var sp InboundSpec
		if fe := engine.DecodeTemplateSpec(it, &sp); fe != nil {
			return &engine.ValidationError{Fields: []field.Error{*fe}}
		}
		id, _, fe := formOf(refs, it.Key+".form", sp.Form, true)
		if len(fe) > 0 {
			return &engine.ValidationError{Fields: fe}
		}
		// The token and secret made here are not returned: nobody sees
		// them, the hook stays off until an admin rotates it.
		h, err := p.s.CreateInbound(ctx, a, sp.input(id))
		if err != nil {
			return engine.TemplateItemError(it.Key, err)
		}
		refs.Set(PartInbound, it.Key, h.ID)
	}
	return nil
}

// updateInbound replaces the hook's mapping and settings, keeping what an
// admin set up: the token, the secret, whether it is on, its actor. A
// verification mode that needs a secret cannot be switched to (the admin
// would need a secret nobody made): that is the item's error.
func (p capturePart) updateInbound(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs, it engine.TemplateItem, id string) error {
	var sp InboundSpec
	if fe := engine.DecodeTemplateSpec(it, &sp); fe != nil {
		return &engine.ValidationError{Fields: []field.Error{*fe}}
	}
	form, _, fe := formOf(refs, it.Key+".form", sp.Form, true)
	if len(fe) > 0 {
		return &engine.ValidationError{Fields: fe}
	}
	d, err := p.s.ownConfigDoc(ctx, a, kindInbound, id)
	if err != nil {
		return err
	}
	cur := inboundFrom(d)
	if cur.Form != form {
		return &engine.ValidationError{Fields: []field.Error{{Path: it.Key + ".form", Code: field.CodeReadOnly}}}
	}
	in := sp.input(form)
	in.Enabled, in.Actor = nil, cur.Actor
	if _, err := p.s.UpdateInbound(ctx, a, id, in, cur.Version); err != nil {
		return engine.TemplateItemError(it.Key, err)
	}
	return nil
}

func (p capturePart) removeInbound(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs, id string) error {
	err := p.s.DeleteInbound(ctx, a, id)
	if errors.Is(err, engine.ErrNotFound) {
		return nil
	}
	return err
}

// exportInbound returns the hooks of the app's forms, without token,
// secret, actor or state.
func (p capturePart) exportInbound(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs) ([]engine.TemplateItem, error) {
	forms, err := p.e.Forms(ctx, a, refs.App)
	if err != nil {
		return nil, err
	}
	formKeys := engine.TemplateFormKeys(refs, forms)
	list, err := p.s.InboundHooks(ctx, a)
	if err != nil {
		return nil, err
	}
	taken := map[string]bool{}
	for k := range refs.Keys(PartInbound) {
		taken[k] = true
	}
	var out []engine.TemplateItem
	for _, h := range list {
		fk, inApp := formKeys[h.Form]
		if !inApp {
			continue
		}
		key, installed := refs.Key(PartInbound, h.ID)
		if !installed {
			key = engine.TemplateKey("inbound", h.Name, taken)
		}
		sp := InboundSpec{Form: fk, Name: h.Name, Verify: h.Verify, SignatureHeader: h.SignatureHeader, Mapping: h.Mapping,
			IdempotencyKey: h.IdempotencyKey, UpsertField: h.UpsertField}
		raw, err := json.Marshal(normalInbound(sp))
		if err != nil {
			return nil, err
		}
		out = append(out, engine.TemplateItem{Key: key, Spec: raw})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// normalInbound fills in what the service fills in: verify none, the
// hmac signature header, names trimmed.
func normalInbound(sp InboundSpec) InboundSpec {
	sp.Name = strings.TrimSpace(sp.Name)
	if sp.Verify == "" {
		sp.Verify = VerifyNone
	}
	if sp.Verify == VerifyHMAC && sp.SignatureHeader == "" {
		sp.SignatureHeader = "X-Signature"
	}
	if sp.Verify != VerifyHMAC {
		sp.SignatureHeader = ""
	}
	return sp
}

func normalizeInbound(it engine.TemplateItem) engine.TemplateItem {
	var sp InboundSpec
	if engine.DecodeTemplateSpec(it, &sp) != nil {
		return it
	}
	raw, err := json.Marshal(normalInbound(sp))
	if err != nil {
		return it
	}
	return engine.TemplateItem{Key: it.Key, Spec: raw}
}

func (sp PublicLinkSpec) input() PublicLinkInput {
	return PublicLinkInput{Fields: append([]string(nil), sp.Fields...), Title: sp.Title, Description: sp.Description, Thanks: sp.Thanks,
		MaxSubmissions: sp.MaxSubmissions, PerIPHour: sp.PerIPHour, Presets: sp.Presets}
}

func (p capturePart) checkLinks(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs, items []engine.TemplateItem) error {
	errs := engine.TemplateItemsValid(items)
	for _, it := range items {
		var sp PublicLinkSpec
		if fe := engine.DecodeTemplateSpec(it, &sp); fe != nil {
			errs = append(errs, *fe)
			continue
		}
		_, _, fe := formOf(refs, it.Key, it.Key, false)
		errs = append(errs, fe...)
		if len(fe) > 0 {
			continue
		}
		v, err := p.e.TemplateFormVersion(ctx, refs, it.Key)
		if err != nil {
			return err
		}
		in := sp.input()
		errs = append(errs, checkPublicInput(&in, it.Key+".")...)
		errs = append(errs, checkPublicFields(v, in.Fields, in.Presets, it.Key+".", p.s.now())...)
	}
	if len(errs) > 0 {
		return &engine.ValidationError{Fields: errs}
	}
	return nil
}

func (p capturePart) installLinks(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs, items []engine.TemplateItem) error {
	for _, it := range items {
		var sp PublicLinkSpec
		if fe := engine.DecodeTemplateSpec(it, &sp); fe != nil {
			return &engine.ValidationError{Fields: []field.Error{*fe}}
		}
		form, _, fe := formOf(refs, it.Key, it.Key, true)
		if len(fe) > 0 {
			return &engine.ValidationError{Fields: fe}
		}
		l, err := p.s.savePublicLink(ctx, a, form, sp.input(), 0, true)
		if err != nil {
			return engine.TemplateItemError(it.Key, err)
		}
		refs.Set(PartPublicLinks, it.Key, l.ID)
	}
	return nil
}

// formOfLink is the form id of the link id (links are keyed by form).
func formOfLink(id string) string { return strings.TrimPrefix(id, publicLinkIDPrefix) }

// updateLink replaces the link's settings, keeping whether it is on, its
// token, its actor and its count.
func (p capturePart) updateLink(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs, it engine.TemplateItem, id string) error {
	var sp PublicLinkSpec
	if fe := engine.DecodeTemplateSpec(it, &sp); fe != nil {
		return &engine.ValidationError{Fields: []field.Error{*fe}}
	}
	cur, err := p.s.PublicLinkOf(ctx, a, formOfLink(id))
	if err != nil {
		return err
	}
	if _, err := p.s.savePublicLink(ctx, a, formOfLink(id), sp.input(), cur.Version, true); err != nil {
		return engine.TemplateItemError(it.Key, err)
	}
	return nil
}

func (p capturePart) removeLink(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs, id string) error {
	err := p.s.DeletePublicLink(ctx, a, formOfLink(id))
	if errors.Is(err, engine.ErrNotFound) {
		return nil
	}
	return err
}

// exportLinks returns the public links of the app's forms, keyed by the
// form's key, without token, state, actor or count.
func (p capturePart) exportLinks(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs) ([]engine.TemplateItem, error) {
	forms, err := p.e.Forms(ctx, a, refs.App)
	if err != nil {
		return nil, err
	}
	formKeys := engine.TemplateFormKeys(refs, forms)
	var out []engine.TemplateItem
	for id, key := range formKeys {
		d, err := p.s.publicDoc(ctx, a.Workspace, id)
		if errors.Is(err, engine.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		l := publicFrom(d)
		raw, err := json.Marshal(PublicLinkSpec{Fields: l.Fields, Title: l.Title, Description: l.Description, Thanks: l.Thanks,
			MaxSubmissions: l.MaxSubmissions, PerIPHour: l.PerIPHour, Presets: l.Presets})
		if err != nil {
			return nil, err
		}
		out = append(out, engine.TemplateItem{Key: key, Spec: raw})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// normalizeLink trims the texts as a save does.
func normalizeLink(it engine.TemplateItem) engine.TemplateItem {
	var sp PublicLinkSpec
	if engine.DecodeTemplateSpec(it, &sp) != nil {
		return it
	}
	sp.Title, sp.Description, sp.Thanks = strings.TrimSpace(sp.Title), strings.TrimSpace(sp.Description), strings.TrimSpace(sp.Thanks)
	if sp.Fields == nil {
		sp.Fields = []string{}
	}
	raw, err := json.Marshal(sp)
	if err != nil {
		return it
	}
	return engine.TemplateItem{Key: it.Key, Spec: raw}
}
