package automation

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/field"
)

// compiled is a published automation ready to run: its condition and every
// action's expressions compiled once against the form's typed environment.
// It is immutable and shared by concurrent runs.
type compiled struct {
	auto  Automation
	ver   Version
	form  *engine.Version
	cond  *expr.Program
	watch map[string]bool // fields of a fields.changed trigger
	cron  cron.Schedule
	steps []*step
	alert *alertStep // the raise-alert action, when the design has one
}

// step is one compiled action.
type step struct {
	index  int
	action Action
	impl   stepImpl
}

// stepImpl performs (dry false) or previews (dry true) one action.
type stepImpl interface {
	perform(ctx context.Context, rc *runCtx, dry bool) (engine.ActionOutcome, error)
}

// compiler compiles one design; errs collects every problem.
type compiler struct {
	s    *Service
	ctx  context.Context
	ws   string
	form *engine.Version
	// actor is the publisher (checks of registered actions run as them).
	actor engine.Actor
	errs  []field.Error
	// forms, when set, is asked first for a target form's version (a
	// template's check, before its forms are installed); skip lists the
	// actions (by path) whose registered check cannot run yet.
	forms func(id string) (*engine.Version, bool)
	skip  map[string]bool
}

func (c *compiler) add(errs ...field.Error) { c.errs = append(c.errs, errs...) }

// compileDesign checks d against the form version and the action registry
// and compiles it; problems are one *engine.ValidationError.
func (s *Service) compileDesign(ctx context.Context, a engine.Actor, auto Automation, d Design, fv *engine.Version) (*compiled, error) {
	return s.compileWith(&compiler{s: s, ctx: ctx, ws: auto.Workspace, form: fv, actor: a}, auto, d, fv)
}

func (s *Service) compileWith(c *compiler, auto Automation, d Design, fv *engine.Version) (*compiled, error) {
	out := &compiled{auto: auto, form: fv}
	if strings.TrimSpace(d.Name) == "" {
		c.add(ferr("name", codeRequired, nil))
	}
	c.trigger(d.Trigger, out)
	if strings.TrimSpace(d.Condition) != "" {
		p, err := expr.Compile(d.Condition, RecordEnv(fv), expr.Bool)
		if err != nil {
			c.add(exprErrs("condition", err)...)
		}
		out.cond = p
	}
	if len(d.Actions) == 0 {
		c.add(ferr("actions", codeRequired, nil))
	}
	if len(d.Actions) > MaxActions {
		c.add(ferr("actions", CodeTooMany, map[string]any{"max": MaxActions}))
	}
	for i, act := range d.Actions {
		at := fmt.Sprintf("actions[%d]", i)
		impl := c.action(at, act)
		if impl == nil {
			continue
		}
		if al, ok := impl.(*alertStep); ok {
			if out.alert != nil {
				c.add(ferr(at+".kind", CodeActionCfg, map[string]any{"reason": "one raise-alert action per rule"}))
			}
			out.alert = al
		}
		out.steps = append(out.steps, &step{index: i, action: act, impl: impl})
	}
	if len(c.errs) > 0 {
		return nil, invalid(c.errs...)
	}
	return out, nil
}

func (c *compiler) trigger(t Trigger, out *compiled) {
	switch t.Type {
	case TriggerCreated, TriggerUpdated, TriggerDeleted, TriggerRestored:
	case TriggerChanged:
		if len(t.Fields) == 0 {
			c.add(ferr("trigger.fields", codeRequired, nil))
		}
		out.watch = map[string]bool{}
		for i, k := range t.Fields {
			if _, ok := c.form.Field(k); !ok {
				c.add(ferr(fmt.Sprintf("trigger.fields[%d]", i), CodeField, map[string]any{"field": k}))
			}
			out.watch[k] = true
		}
	case TriggerSchedule:
		sch, err := cronParser.Parse(t.Cron)
		if err != nil || strings.TrimSpace(t.Cron) == "" {
			reason := "empty"
			if err != nil {
				reason = err.Error()
			}
			c.add(ferr("trigger.cron", CodeCron, map[string]any{"reason": reason}))
		}
		out.cron = sch
		if t.Scan != nil {
			c.scan(*t.Scan)
		}
	case TriggerDate:
		if t.Date == nil {
			c.add(ferr("trigger.date", codeRequired, nil))
			return
		}
		c.dateField("trigger.date.field", t.Date.Field)
		if t.Date.OffsetDays < -3650 || t.Date.OffsetDays > 3650 {
			c.add(ferr("trigger.date.offsetDays", CodeRange, map[string]any{"min": -3650, "max": 3650}))
		}
		if t.Date.Time != "" {
			if _, err := time.Parse("15:04", t.Date.Time); err != nil {
				c.add(ferr("trigger.date.time", CodeActionCfg, map[string]any{"reason": "use HH:MM"}))
			}
		}
	case TriggerEvent:
		if !validEventType(t.Event) {
			c.add(ferr("trigger.event", CodeTrigger, map[string]any{"value": t.Event}))
		}
	default:
		c.add(ferr("trigger.type", CodeTrigger, map[string]any{"value": string(t.Type)}))
	}
}

var eventTypeRE = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$`)

func validEventType(s string) bool { return len(s) <= 64 && eventTypeRE.MatchString(s) }

// cronParser reads five-field expressions and descriptors (@daily).
var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

func (c *compiler) scan(s Scan) {
	if s.Field != "updatedAt" {
		c.dateField("trigger.scan.field", s.Field)
	}
	if s.OlderThanDays < 1 || s.OlderThanDays > 3650 {
		c.add(ferr("trigger.scan.olderThanDays", CodeRange, map[string]any{"min": 1, "max": 3650}))
	}
}

// dateField checks key names a date or datetime field of the form.
func (c *compiler) dateField(at, key string) {
	f, ok := c.form.Field(key)
	switch {
	case key == "":
		c.add(ferr(at, codeRequired, nil))
	case !ok:
		c.add(ferr(at, CodeField, map[string]any{"field": key}))
	case f.Type != "date" && f.Type != "datetime":
		c.add(ferr(at, CodeFieldType, map[string]any{"field": key, "want": "date/datetime"}))
	}
}

// action compiles one action; nil when it has problems (recorded).
func (c *compiler) action(at string, a Action) stepImpl {
	if a.Config == nil {
		a.Config = map[string]any{}
	}
	if b, ok := builtins[a.Kind]; ok {
		return b(c, at+".config", a.Config)
	}
	t, ok := c.s.e.Actions().Lookup(a.Kind)
	if ok && c.skip[at] {
		return nil
	}
	if !ok {
		c.add(ferr(at+".kind", CodeActionKind, map[string]any{"value": a.Kind}))
		return nil
	}
	if t.Check != nil {
		if err := t.Check(c.ctx, c.actor, a.Config); err != nil {
			if fe := validationFields(err); fe != nil {
				for _, e := range fe {
					e.Path = at + ".config." + e.Path
					c.add(e)
				}
			} else {
				c.add(ferr(at+".config", CodeActionCfg, map[string]any{"reason": err.Error()}))
			}
			return nil
		}
	}
	return &registeredStep{t: t}
}

func validationFields(err error) []field.Error {
	if ve, ok := err.(*engine.ValidationError); ok {
		return ve.Fields
	}
	return nil
}

// builtins compile the built-in action kinds.
var builtins map[string]func(c *compiler, at string, cfg map[string]any) stepImpl

func init() {
	builtins = map[string]func(c *compiler, at string, cfg map[string]any) stepImpl{
		KindCreate: compileCreate,
		KindUpdate: compileUpdate,
		KindUpsert: compileUpsert,
		KindDelete: compileDelete,
		KindNotify: compileNotify,
		KindAssign: compileAssign,
		KindTags:   compileTags,
		KindAlert:  compileAlert,
	}
}

// The built-in action kinds.
const (
	KindCreate = "record.create"
	KindUpdate = "record.update"
	KindUpsert = "record.upsert"
	KindDelete = "record.delete"
	KindNotify = "notify"
	KindAssign = "assign"
	KindTags   = "tags"
	KindAlert  = "alert.raise"
)

// decode reads an action's configuration into its struct; unknown keys
// are refused, so a typo is an error, not a silently ignored setting.
func (c *compiler) decode(at string, cfg map[string]any, into any) bool {
	b, err := json.Marshal(cfg)
	if err == nil {
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.DisallowUnknownFields()
		err = dec.Decode(into)
	}
	if err != nil {
		c.add(ferr(at, CodeActionCfg, map[string]any{"reason": err.Error()}))
		return false
	}
	return true
}

// values compiles a field mapping: target field key → expression over
// the triggering record, checked against the target form's fields.
func (c *compiler) values(at string, target *engine.Version, m map[string]string) map[string]*expr.Program {
	if len(m) > MaxValues {
		c.add(ferr(at, CodeTooMany, map[string]any{"max": MaxValues}))
		return nil
	}
	out := make(map[string]*expr.Program, len(m))
	for k, src := range m {
		p := at + "." + k
		if f, ok := target.Field(k); !ok {
			c.add(ferr(p, CodeField, map[string]any{"field": k}))
			continue
		} else if f.Type == "formula" || f.Type == "serial" || f.Type == "lookup" {
			c.add(ferr(p, CodeFieldType, map[string]any{"field": k, "want": "input"}))
			continue
		}
		prog, err := expr.Compile(src, RecordEnv(c.form), expr.Any)
		if err != nil {
			c.add(exprErrs(p, err)...)
			continue
		}
		out[k] = prog
	}
	return out
}

// targetForm returns the published version of a form of the workspace
// ("" means the triggering form).
func (c *compiler) targetForm(at, id string) *engine.Version {
	if id == "" || id == c.form.Form {
		return c.form
	}
	if c.forms != nil {
		if v, ok := c.forms(id); ok {
			return v
		}
	}
	v, err := c.s.e.VersionOf(c.ctx, c.ws, id)
	if err != nil {
		c.add(ferr(at, CodeTargetForm, map[string]any{"value": id}))
		return nil
	}
	return v
}

// expression compiles one expression of the action's configuration.
func (c *compiler) expression(at, src string, want expr.Type) *expr.Program {
	if strings.TrimSpace(src) == "" {
		c.add(ferr(at, codeRequired, nil))
		return nil
	}
	p, err := expr.Compile(src, RecordEnv(c.form), want)
	if err != nil {
		c.add(exprErrs(at, err)...)
		return nil
	}
	return p
}

// RecordIDName is the name under which an automation's condition,
// mappings and matches read the triggering record's id (empty when a run has
// no record, as a schedule without a scan). Field keys may not be "id", so
// it shadows none. With it a mapping links what it creates back to the
// record that caused it ({"source": "id"}), and a match finds the
// record a relation names ({"id": "parent"}).
const RecordIDName = "id"

// RecordEnv is the expression environment of an automation over form
// version fv: the form's fields and RecordIDName.
func RecordEnv(fv *engine.Version) expr.Env {
	base := fv.Env()
	env := expr.Env{Fields: make(map[string]expr.Type, len(base.Fields)+1), Options: base.Options}
	for k, t := range base.Fields {
		env.Fields[k] = t
	}
	env.Fields[RecordIDName] = expr.Text
	return env
}
