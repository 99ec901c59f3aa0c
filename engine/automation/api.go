package automation

import (
	"context"
	"fmt"
	"strings"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/store"
)

// design checks that a may design automations of form: form designers
// (workspace admins and the admins of the form's app).
func (s *Service) design(ctx context.Context, a engine.Actor, form string) error {
	_, err := s.e.Authorize(ctx, a, engine.ActFormDesign, engine.Resource{Form: form})
	return err
}

// designOf loads an automation and checks a may design it.
func (s *Service) designOf(ctx context.Context, a engine.Actor, id string) (Automation, error) {
	au, err := s.load(ctx, a.Workspace, id)
	if err != nil {
		return Automation{}, err
	}
	if err := s.design(ctx, a, au.Form); err != nil {
		return Automation{}, err
	}
	return au, nil
}

// List returns the automations of a form.
func (s *Service) List(ctx context.Context, a engine.Actor, form string) ([]Automation, error) {
	if err := s.design(ctx, a, form); err != nil {
		return nil, err
	}
	out, err := s.listAutomations(ctx, a.Workspace, form)
	if out == nil {
		out = []Automation{}
	}
	return out, err
}

// ListApp returns the automations of an app's forms that a may design
// (forms they do not design are left out), oldest first.
func (s *Service) ListApp(ctx context.Context, a engine.Actor, app string) ([]Automation, error) {
	all, err := s.listAutomations(ctx, a.Workspace, "")
	if err != nil {
		return nil, err
	}
	out := []Automation{}
	designs := map[string]bool{}
	for _, au := range all {
		if au.App != app {
			continue
		}
		ok, seen := designs[au.Form]
		if !seen {
			ok = s.design(ctx, a, au.Form) == nil
			designs[au.Form] = ok
		}
		if ok {
			out = append(out, au)
		}
	}
	return out, nil
}

// Create saves a new automation of form with d as its draft (not
// published, not running). An empty actor means the creator.
func (s *Service) Create(ctx context.Context, a engine.Actor, form string, d Design) (Automation, error) {
	if err := s.design(ctx, a, form); err != nil {
		return Automation{}, err
	}
	fv, err := s.e.VersionOf(ctx, a.Workspace, form)
	if err != nil {
		return Automation{}, err
	}
	if err := checkDraft(d); err != nil {
		return Automation{}, err
	}
	if d.Actor == "" {
		d.Actor = a.UserID
	}
	au := Automation{ID: store.NewID(), Workspace: a.Workspace, Form: form, App: fv.App, Draft: d}
	return s.write(ctx, a.UserID, au, "created")
}

// checkDraft refuses drafts that cannot be stored (a draft may be
// incomplete; Publish checks the rest).
func checkDraft(d Design) error {
	if strings.TrimSpace(d.Name) == "" {
		return invalid(ferr("name", codeRequired, nil))
	}
	if len(d.Name) > 200 {
		return invalid(ferr("name", CodeRange, map[string]any{"min": 1, "max": 200}))
	}
	if len(d.Actions) > MaxActions {
		return invalid(ferr("actions", CodeTooMany, map[string]any{"max": MaxActions}))
	}
	if len(d.Condition) > expr.MaxSourceBytes {
		return invalid(ferr("condition", CodeRange, map[string]any{"min": 0, "max": expr.MaxSourceBytes}))
	}
	return nil
}

// Get returns one automation with its published design.
func (s *Service) Get(ctx context.Context, a engine.Actor, id string) (Automation, error) {
	au, err := s.designOf(ctx, a, id)
	if err != nil {
		return Automation{}, err
	}
	if au.Published > 0 {
		v, err := s.loadVersion(ctx, id, au.Published)
		if err != nil {
			return Automation{}, err
		}
		au.Current = &v.Design
	}
	return au, nil
}

// SaveDraft replaces the draft; version is the automation's version the
// caller read.
func (s *Service) SaveDraft(ctx context.Context, a engine.Actor, id string, d Design, version int64) (Automation, error) {
	au, err := s.designOf(ctx, a, id)
	if err != nil {
		return Automation{}, err
	}
	if err := checkDraft(d); err != nil {
		return Automation{}, err
	}
	if d.Actor == "" {
		d.Actor = a.UserID
	}
	au.Draft, au.Version = d, version
	return s.write(ctx, a.UserID, au, "draft_saved")
}

// Publish checks and compiles the draft and makes it the next immutable
// version; a first publish also enables the automation. Runs in progress
// keep the version they started with.
func (s *Service) Publish(ctx context.Context, a engine.Actor, id string, version int64) (Automation, error) {
	au, err := s.designOf(ctx, a, id)
	if err != nil {
		return Automation{}, err
	}
	if au.Version != version {
		return Automation{}, fmt.Errorf("%w: automation %s is at version %d, not %d", engine.ErrConflict, id, au.Version, version)
	}
	fv, err := s.e.VersionOf(ctx, a.Workspace, au.Form)
	if err != nil {
		return Automation{}, err
	}
	if err := s.checkActor(ctx, a, au.Draft.Actor); err != nil {
		return Automation{}, err
	}
	c, err := s.compileDesign(ctx, a, au, au.Draft, fv)
	if err != nil {
		return Automation{}, err
	}
	n := au.Published + 1
	now := s.now()
	v := Version{Automation: id, Number: n, Design: au.Draft, PublishedAt: now, PublishedBy: a.UserID}
	if au.Published == 0 {
		au.Enabled = true
	}
	au.Published, au.PublishedAt, au.Alert = n, timePtr(now), c.alert != nil
	vw := store.Write{Op: store.OpInsert, Collection: collVersions, Doc: store.Document{ID: versionID(id, n), Data: docOf(v)}}
	out, err := s.write(ctx, a.UserID, au, "published", vw)
	if err != nil {
		return Automation{}, err
	}
	c.auto, c.ver = out, v
	if err := s.planTriggers(ctx, c); err != nil {
		s.log.Warn("plan triggers after publish", "automation", id, "err", err)
	}
	out.Current = &v.Design
	return out, nil
}

// checkActor refuses an actor that is not an active member, and a
// non-admin publisher naming someone else (who may hold more rights).
func (s *Service) checkActor(ctx context.Context, publisher engine.Actor, user string) error {
	if user == "" {
		return invalid(ferr("actor", codeRequired, nil))
	}
	if user != publisher.UserID && publisher.Role != engine.RoleAdmin {
		return invalid(ferr("actor", CodeActor, map[string]any{"reason": "only a workspace admin may let an automation act as another member"}))
	}
	if _, err := s.actorFor(ctx, publisher.Workspace, user); err != nil {
		return invalid(ferr("actor", CodeActor, map[string]any{"reason": "not an active member of the workspace"}))
	}
	return nil
}

// SetEnabled switches a published automation on or off.
func (s *Service) SetEnabled(ctx context.Context, a engine.Actor, id string, on bool, version int64) (Automation, error) {
	au, err := s.designOf(ctx, a, id)
	if err != nil {
		return Automation{}, err
	}
	if au.Published == 0 {
		return Automation{}, invalid(ferr("", CodeNotEnabled, nil))
	}
	if au.Version != version {
		return Automation{}, fmt.Errorf("%w: automation %s is at version %d, not %d", engine.ErrConflict, id, au.Version, version)
	}
	au.Enabled = on
	change := "disabled"
	if on {
		change = "enabled"
	}
	out, err := s.write(ctx, a.UserID, au, change)
	if err != nil {
		return Automation{}, err
	}
	c, err := s.compiledOf(ctx, out)
	if err == nil {
		if on {
			err = s.planTriggers(ctx, c)
		} else {
			err = s.cancelTriggers(ctx, c)
		}
	}
	if err != nil {
		s.log.Warn("re-plan triggers", "automation", id, "err", err)
	}
	return out, nil
}

// Delete removes an automation; its runs and alerts are kept until they
// age out.
func (s *Service) Delete(ctx context.Context, a engine.Actor, id string) error {
	au, err := s.designOf(ctx, a, id)
	if err != nil {
		return err
	}
	if au.Published > 0 {
		if c, err := s.compiledOf(ctx, au); err == nil {
			_ = s.cancelTriggers(ctx, c)
		}
	}
	_, err = s.write(ctx, a.UserID, au, "deleted")
	return err
}

// Versions lists the published versions of an automation, newest first.
func (s *Service) Versions(ctx context.Context, a engine.Actor, id string) ([]Version, error) {
	au, err := s.designOf(ctx, a, id)
	if err != nil {
		return nil, err
	}
	out := []Version{}
	for n := au.Published; n >= 1; n-- {
		v, err := s.loadVersion(ctx, id, n)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// ExpressionResult is the live check of an expression: its type, or the
// problems with line and column.
type ExpressionResult struct {
	Type        string            `json:"type,omitempty"`
	Diagnostics []expr.Diagnostic `json:"diagnostics,omitempty"`
}

// CheckExpression type-checks src against the published fields of form
// (plus old, new, changed, user and now), as conditions and mappings are
// compiled at publish; kind "condition" must give a boolean.
func (s *Service) CheckExpression(ctx context.Context, a engine.Actor, form, src, kind string, lang string) (ExpressionResult, error) {
	if err := s.design(ctx, a, form); err != nil {
		return ExpressionResult{}, err
	}
	fv, err := s.e.VersionOf(ctx, a.Workspace, form)
	if err != nil {
		return ExpressionResult{}, err
	}
	env := RecordEnv(fv)
	t, diags := expr.Check(src, env)
	if len(diags) == 0 && kind == "condition" {
		if _, err := expr.Compile(src, env, expr.Bool); err != nil {
			if ee, ok := err.(*expr.Error); ok {
				diags = ee.Diagnostics
			}
		}
	}
	if len(diags) > 0 {
		for i := range diags {
			diags[i] = diags[i].Localize(lang)
		}
		return ExpressionResult{Diagnostics: diags}, nil
	}
	return ExpressionResult{Type: t.String()}, nil
}

// ActionKind describes one action kind the designer offers.
type ActionKind struct {
	Kind    string            `json:"kind"`
	Label   map[string]string `json:"label"`
	BuiltIn bool              `json:"builtIn"`
}

// ActionKinds lists the built-in action kinds and those capabilities
// registered.
func (s *Service) ActionKinds() []ActionKind {
	out := []ActionKind{
		{KindCreate, map[string]string{"zh-CN": "新增记录", "en": "Create a record"}, true},
		{KindUpdate, map[string]string{"zh-CN": "更新记录", "en": "Update records"}, true},
		{KindUpsert, map[string]string{"zh-CN": "更新或新增记录", "en": "Update or create a record"}, true},
		{KindDelete, map[string]string{"zh-CN": "删除记录", "en": "Delete records"}, true},
		{KindNotify, map[string]string{"zh-CN": "发送通知", "en": "Notify"}, true},
		{KindAssign, map[string]string{"zh-CN": "分配负责人", "en": "Assign a user"}, true},
		{KindTags, map[string]string{"zh-CN": "添加/移除标签", "en": "Add or remove tags"}, true},
		{KindAlert, map[string]string{"zh-CN": "触发预警", "en": "Raise an alert"}, true},
	}
	for _, t := range s.e.Actions().Kinds() {
		out = append(out, ActionKind{Kind: t.Kind, Label: t.Label})
	}
	return out
}
