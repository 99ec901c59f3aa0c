package webhook

import (
	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
)

// Error codes of this package (texts in engine/i18n/messages_webhook.go).
const (
	CodeURL          = "webhook_url"
	CodeScheme       = "webhook_scheme"
	CodeEvent        = "webhook_event"
	CodeHeader       = "webhook_header"
	CodeFilterForm   = "webhook_filter_form"
	CodeRequired     = "webhook_required"
	CodeTooLong      = "webhook_too_long"
	CodeTooMany      = "webhook_too_many"
	CodeMapping      = "webhook_mapping"
	CodeMappingRun   = "webhook_mapping_run"
	CodeSignature    = "webhook_signature"
	CodeActor        = "webhook_actor"
	CodeActorForm    = "webhook_actor_form"
	CodeForm         = "webhook_form"
	CodeStatusFilter = "webhook_status"
)

func fieldErr(path, code string, params map[string]any) field.Error {
	return field.Error{Path: path, Code: code, Params: params}
}

func invalid(errs ...field.Error) error {
	if len(errs) == 0 {
		return nil
	}
	return &engine.ValidationError{Fields: errs}
}
