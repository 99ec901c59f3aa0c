package automation

import (
	"errors"
	"fmt"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/i18n"
)

// Error codes of automation designs (texts in engine/i18n/messages_automation.go).
const (
	CodeTrigger     = "automation_trigger"
	CodeCron        = "automation_cron"
	CodeField       = "automation_field"
	CodeFieldType   = "automation_field_type"
	CodeActionKind  = "automation_action_kind"
	CodeActionCfg   = "automation_action_config"
	CodeActor       = "automation_actor"
	CodeTargetForm  = "automation_form"
	CodeTemplate    = "automation_template"
	CodeTooMany     = "automation_too_many"
	CodeNotEnabled  = "automation_not_published"
	CodeAlertState  = "automation_alert_state"
	CodeRange       = "automation_range"
	CodeNotSchedule = "automation_not_scheduled"
	CodeDisabled    = "automation_disabled"
	codeRequired    = "required"
	codeExpression  = "expression"
	codeLoopDepth   = "automation_loop_depth"
	codeLoopCycle   = "automation_loop_cycle"
	codeCondition   = "automation_condition_error"
	codeActionError = "automation_action_failed"
	codeActorGone   = "automation_actor_gone"
)

// Limits of a design.
const (
	MaxActions     = 20
	MaxValues      = 100
	MaxRecipients  = 200
	MaxTemplateLen = 4000
	// MaxRecordsPerAction bounds the records one update or delete action
	// changes.
	MaxRecordsPerAction = 500
	// MaxDepth is the deepest write chain an automation continues.
	MaxDepth = 5
)

func invalid(errs ...field.Error) error { return &engine.ValidationError{Fields: errs} }

func ferr(path, code string, params map[string]any) field.Error {
	return field.Error{Path: path, Code: code, Params: params}
}

// exprErrs turns a compile error into per-field errors at path.
func exprErrs(path string, err error) []field.Error {
	var ee *expr.Error
	if errors.As(err, &ee) && len(ee.Diagnostics) > 0 {
		out := make([]field.Error, len(ee.Diagnostics))
		for i, d := range ee.Diagnostics {
			params := make(map[string]any, len(d.Params)+1)
			for k, v := range d.Params {
				params[k] = v
			}
			params["kind"] = d.Code
			out[i] = ferr(path, d.Key, params)
		}
		return out
	}
	return []field.Error{ferr(path, codeExpression, map[string]any{"reason": err.Error()})}
}

// runError renders err for the run's log: field errors of a refused write
// keep their paths and codes; the message is in zh-CN and en.
func runError(code string, err error) *RunError {
	re := &RunError{Code: code, Message: map[string]string{}}
	var ve *engine.ValidationError
	if errors.As(err, &ve) {
		for _, f := range ve.Fields {
			re.Fields = append(re.Fields, FieldProblem{Path: f.Path, Code: f.Code})
		}
		for _, lang := range []string{i18n.ZhCN, i18n.En} {
			msg := ""
			for i, f := range ve.Fields {
				if i > 0 {
					msg += "; "
				}
				if f.Path != "" {
					msg += f.Path + ": "
				}
				msg += i18n.T(lang, f.Code, f.Params)
			}
			re.Message[lang] = msg
		}
		return re
	}
	var m interface{ Message(lang string) string }
	if errors.As(err, &m) {
		re.Message[i18n.ZhCN], re.Message[i18n.En] = m.Message(i18n.ZhCN), m.Message(i18n.En)
		return re
	}
	base := map[string]any{"reason": err.Error()}
	re.Message[i18n.ZhCN] = i18n.T(i18n.ZhCN, code, base)
	re.Message[i18n.En] = i18n.T(i18n.En, code, base)
	return re
}

// textError is a run problem with its own message per language.
type textError struct{ zh, en string }

func (e *textError) Error() string { return e.en }

// Message renders the problem in lang.
func (e *textError) Message(lang string) string {
	if lang == i18n.ZhCN {
		return e.zh
	}
	return e.en
}

func problem(zh, en string, args ...any) error {
	return &textError{zh: fmt.Sprintf(zh, args...), en: fmt.Sprintf(en, args...)}
}
