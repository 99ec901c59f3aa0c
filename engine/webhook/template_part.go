package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"net/textproto"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/field"
)

// PartWebhooks is the template part kind of outbound endpoints.
const PartWebhooks = "webhooks"

// WebhookSpec is an outbound endpoint in a template. It never holds a
// secret: it is installed switched off, with a signing secret of its own
// that nobody has seen, for an admin to set up (URL, secret headers, then
// enable). Form is the template's form key.
type WebhookSpec struct {
	URL         string            `json:"url"`
	Description string            `json:"description,omitempty"`
	Events      []string          `json:"events"`
	Form        string            `json:"form,omitempty"`
	Filter      string            `json:"filter,omitempty"`
	Headers     map[string]string `json:"headers,omitempty"`
	// SecretHeaders names the headers an admin must set after installing
	// (an export leaves their values out); it is a note, not installed.
	SecretHeaders []string `json:"secretHeaders,omitempty"`
}

// RegisterTemplateParts registers the parts of svc on e's template part
// registry: "webhooks" (outbound endpoints), "inbound" (inbound hooks)
// and "publinks" (forms' public links, inbound_part.go).
func RegisterTemplateParts(e *engine.Engine, svc *Service) error {
	p := hookPart{e: e, s: svc}
	if err := e.TemplateParts().Register(engine.TemplatePart{Kind: PartWebhooks,
		Check: p.check, Install: p.install, Update: p.update, Remove: p.remove, Export: p.export, Normalize: normalizeWebhook}); err != nil {
		return err
	}
	return registerCaptureParts(e, svc)
}

type hookPart struct {
	e *engine.Engine
	s *Service
}

// secretName matches header and query parameter names that carry secrets.
var secretName = regexp.MustCompile(`(?i)(auth|token|secret|passw|pwd|api[-_]?key|access[-_]?key|signature|cookie|session|credential|private)`)

// authScheme matches values that carry an authorization scheme.
var authScheme = regexp.MustCompile(`(?i)^(bearer|basic|token|digest)\s+\S+`)

// secretValue reports whether a value looks like a credential whatever
// its name: an authorization scheme, or 20 or more token characters
// mixing digits, upper and lower case letters (a content type or a plain
// word does not).
func secretValue(v string) bool {
	v = strings.TrimSpace(v)
	if authScheme.MatchString(v) {
		return true
	}
	if len(v) < 20 {
		return false
	}
	var digit, upper, lower bool
	for _, c := range v {
		switch {
		case c >= '0' && c <= '9':
			digit = true
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= 'a' && c <= 'z':
			lower = true
		case strings.ContainsRune("+/_=-.", c):
		default:
			return false
		}
	}
	return digit && upper && lower
}

// secretHeader reports whether a header is a credential.
func secretHeader(name, value string) bool {
	return secretName.MatchString(name) || secretValue(value)
}

// portableURL drops the query parameters of u that look like credentials.
func portableURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.RawQuery == "" {
		return raw
	}
	q := u.Query()
	for k, vs := range q {
		if secretName.MatchString(k) || slices.ContainsFunc(vs, secretValue) {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// resolve reads an item; with install set its form must be installed.
func (p hookPart) resolve(refs *engine.TemplateRefs, it engine.TemplateItem, install bool) (EndpointInput, WebhookSpec, bool, []field.Error) {
	var sp WebhookSpec
	if fe := engine.DecodeTemplateSpec(it, &sp); fe != nil {
		return EndpointInput{}, sp, false, []field.Error{*fe}
	}
	var errs []field.Error
	off := false
	in := EndpointInput{URL: sp.URL, Description: sp.Description, Events: slices.Clone(sp.Events), Filter: sp.Filter,
		Headers: map[string]string{}, Enabled: &off}
	for k, v := range sp.Headers {
		if secretHeader(k, v) {
			errs = append(errs, field.Error{Path: it.Key + ".headers." + k, Code: engine.CodeTemplateSecret, Params: map[string]any{"name": k}})
			continue
		}
		in.Headers[k] = v
	}
	if portableURL(sp.URL) != sp.URL {
		errs = append(errs, field.Error{Path: it.Key + ".url", Code: engine.CodeTemplateSecret, Params: map[string]any{"name": "url"}})
	}
	pending := false
	if sp.Form != "" {
		if id, ok := refs.ID("forms", sp.Form); ok {
			in.Form = id
		} else if !install && refs.Known("forms", sp.Form) {
			pending = true
		} else {
			errs = append(errs, engine.TemplateRefError(it.Key+".form", "forms", sp.Form))
		}
	}
	return in, sp, pending, errs
}

func (p hookPart) check(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs, items []engine.TemplateItem) error {
	errs := engine.TemplateItemsValid(items)
	for _, it := range items {
		in, sp, pending, fe := p.resolve(refs, it, false)
		errs = append(errs, fe...)
		if len(fe) > 0 && fe[0].Code == engine.CodeTemplateSpec {
			continue
		}
		if pending {
			// The settings that do not need the form, then the filter
			// against the template's design of it.
			in.Filter = ""
		}
		if err := p.s.checkInput(ctx, a, &in, a.UserID); err != nil {
			e, err := engine.TemplateItemErrors(it.Key, err)
			if err != nil {
				return err
			}
			errs = append(errs, e...)
		}
		if pending && strings.TrimSpace(sp.Filter) != "" {
			if slices.ContainsFunc(sp.Events, func(ev string) bool { return !slices.Contains(recordEvents, ev) }) {
				errs = append(errs, fieldErr(it.Key+".filter", CodeFilterForm, nil))
			} else if v, err := p.e.TemplateFormVersion(ctx, refs, sp.Form); err == nil && v != nil {
				if _, err := expr.Compile(sp.Filter, v.Env(), expr.Bool); err != nil {
					errs = append(errs, exprErr(it.Key+".filter", err))
				}
			}
		}
	}
	if len(errs) > 0 {
		return &engine.ValidationError{Fields: errs}
	}
	return nil
}

// install creates each endpoint switched off; the signing secret the
// service makes is not kept anywhere but sealed in the endpoint, so an
// admin rotates it to see one.
func (p hookPart) install(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs, items []engine.TemplateItem) error {
	for _, it := range items {
		in, _, _, fe := p.resolve(refs, it, true)
		if len(fe) > 0 {
			return &engine.ValidationError{Fields: fe}
		}
		ep, err := p.s.CreateEndpoint(ctx, a, in)
		if err != nil {
			return engine.TemplateItemError(it.Key, err)
		}
		refs.Set(PartWebhooks, it.Key, ep.ID)
	}
	return nil
}

// update replaces the endpoint's settings with the item's, keeping what
// an admin set up that a template never carries: whether it is enabled,
// its actor, and the headers that hold credentials.
func (p hookPart) update(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs, it engine.TemplateItem, id string) error {
	in, _, _, fe := p.resolve(refs, it, true)
	if len(fe) > 0 {
		return &engine.ValidationError{Fields: fe}
	}
	cur, err := p.s.Endpoint(ctx, a, id)
	if err != nil {
		return err
	}
	for k, v := range cur.Headers {
		if _, set := in.Headers[textproto.CanonicalMIMEHeaderKey(k)]; !set && secretHeader(k, v) {
			in.Headers[k] = v
		}
	}
	in.Enabled, in.Actor = nil, cur.Actor
	if _, err := p.s.UpdateEndpoint(ctx, a, id, in, cur.Version); err != nil {
		return engine.TemplateItemError(it.Key, err)
	}
	return nil
}

func (p hookPart) remove(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs, id string) error {
	err := p.s.DeleteEndpoint(ctx, a, id)
	if errors.Is(err, engine.ErrNotFound) {
		return nil
	}
	return err
}

// export returns the app's endpoints: those installed with it and those
// limited to one of its forms (an endpoint of every form belongs to the
// workspace, not to an app). Credentials stay behind: no secret, no
// credential headers (named in SecretHeaders), no credential query
// parameters.
func (p hookPart) export(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs) ([]engine.TemplateItem, error) {
	forms, err := p.e.Forms(ctx, a, refs.App)
	if err != nil {
		return nil, err
	}
	formKeys := engine.TemplateFormKeys(refs, forms)
	list, err := p.s.Endpoints(ctx, a)
	if err != nil {
		return nil, err
	}
	taken := map[string]bool{}
	for k := range refs.Keys(PartWebhooks) {
		taken[k] = true
	}
	var out []engine.TemplateItem
	for _, ep := range list {
		key, installed := refs.Key(PartWebhooks, ep.ID)
		fk, inApp := formKeys[ep.Form]
		if !installed && !inApp {
			continue
		}
		sp := WebhookSpec{URL: portableURL(ep.URL), Description: ep.Description, Events: ep.Events, Filter: ep.Filter, Form: fk}
		for k, v := range ep.Headers {
			if secretHeader(k, v) {
				sp.SecretHeaders = append(sp.SecretHeaders, k)
				continue
			}
			if sp.Headers == nil {
				sp.Headers = map[string]string{}
			}
			sp.Headers[k] = v
		}
		sort.Strings(sp.SecretHeaders)
		if !installed {
			name := ep.Description
			if name == "" {
				if u, err := url.Parse(ep.URL); err == nil {
					name = u.Hostname()
				}
			}
			key = engine.TemplateKey("webhook", name, taken)
		}
		raw, err := json.Marshal(sp)
		if err != nil {
			return nil, err
		}
		out = append(out, engine.TemplateItem{Key: key, Spec: raw})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// normalizeWebhook writes an endpoint item as the webhooks part exports
// it, without the secretHeaders note (what an admin set up after
// installing is not a change of the template's): events sorted once
// each, header names canonical, URL and filter trimmed.
func normalizeWebhook(it engine.TemplateItem) engine.TemplateItem {
	var sp WebhookSpec
	if engine.DecodeTemplateSpec(it, &sp) != nil {
		return it
	}
	sp.URL, sp.Filter, sp.SecretHeaders = strings.TrimSpace(sp.URL), strings.TrimSpace(sp.Filter), nil
	sp.Events = slices.Compact(slices.Sorted(slices.Values(sp.Events)))
	if len(sp.Headers) > 0 {
		h := make(map[string]string, len(sp.Headers))
		for k, v := range sp.Headers {
			h[textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(k))] = v
		}
		sp.Headers = h
	} else {
		sp.Headers = nil
	}
	raw, err := json.Marshal(sp)
	if err != nil {
		return it
	}
	return engine.TemplateItem{Key: it.Key, Spec: raw}
}
