package server

import (
	"errors"
	"log/slog"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/formloom/formloom/auth"
	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/i18n"
	"github.com/formloom/formloom/engine/store"
)

// apiError is an error the server itself raises with a status and a code;
// its message comes from the i18n catalog ("server_" + code).
type apiError struct {
	status int
	code   string
	params map[string]any
	fields []field.Error
	cause  error
}

func (e *apiError) Error() string {
	if e.cause != nil {
		return e.code + ": " + e.cause.Error()
	}
	return e.code
}

func (e *apiError) Unwrap() error { return e.cause }

func newError(status int, code string, cause error) *apiError {
	return &apiError{status: status, code: code, cause: cause}
}

// Errors the adapter raises itself.
var (
	errUnauthenticated = newError(fiber.StatusUnauthorized, "unauthenticated", nil)
	errCSRF            = newError(fiber.StatusForbidden, "csrf", nil)
	errScope           = newError(fiber.StatusForbidden, "scope", nil)
	errUnsupportedType = newError(fiber.StatusUnsupportedMediaType, "unsupported_media_type", nil)
	errBodyTooLarge    = newError(fiber.StatusRequestEntityTooLarge, "body_too_large", nil)
)

// ErrorBody is the one shape of every error response.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the content of an error response: a stable code, a message
// in the request's language, and per-field problems for validation errors.
type ErrorDetail struct {
	Code    string       `json:"code"`
	Message string       `json:"message"`
	Fields  []FieldError `json:"fields,omitempty"`
}

// FieldError is one field's problem: its path in the input, a stable code and
// a localized message.
type FieldError struct {
	Path    string `json:"path"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// classify maps any error to a status, a code, params and field errors.
func classify(err error) (int, string, map[string]any, []field.Error) {
	var ae *apiError
	var ve *engine.ValidationError
	var pe *auth.PasswordError
	var fe *fiber.Error
	var rl *auth.RateLimitError
	switch {
	case errors.As(err, &ae):
		return ae.status, ae.code, ae.params, ae.fields
	case errors.Is(err, store.ErrReadOnly):
		return fiber.StatusServiceUnavailable, "read_only", nil, nil
	case isStorageFull(err):
		return fiber.StatusInsufficientStorage, "storage_full", nil, nil
	case errors.As(err, &rl):
		return fiber.StatusTooManyRequests, "rate_limited", map[string]any{"seconds": int(rl.RetryAfter.Seconds()) + 1}, nil
	case errors.Is(err, auth.ErrUnauthenticated):
		return fiber.StatusUnauthorized, "unauthenticated", nil, nil
	case errors.Is(err, auth.ErrLoginFailed):
		return fiber.StatusUnauthorized, "login_failed", nil, nil
	case errors.Is(err, auth.ErrSetupDone):
		return fiber.StatusConflict, "setup_done", nil, nil
	case errors.Is(err, auth.ErrSetupToken):
		return fiber.StatusForbidden, "setup_token", nil, nil
	case errors.As(err, &pe):
		return fiber.StatusUnprocessableEntity, "invalid", nil, []field.Error{pe.Field}
	case errors.As(err, &ve):
		return fiber.StatusUnprocessableEntity, "invalid", nil, ve.Fields
	case errors.Is(err, engine.ErrInvalid):
		return fiber.StatusUnprocessableEntity, "invalid", nil, nil
	case errors.Is(err, engine.ErrNotFound):
		return fiber.StatusNotFound, "not_found", nil, nil
	case errors.Is(err, engine.ErrConflict):
		return fiber.StatusConflict, "conflict", nil, nil
	case errors.Is(err, engine.ErrForbidden):
		return fiber.StatusForbidden, "forbidden", nil, nil
	case errors.Is(err, engine.ErrNotPublished):
		return fiber.StatusConflict, "not_published", nil, nil
	case errors.As(err, &fe):
		switch fe.Code {
		case fiber.StatusNotFound:
			return fe.Code, "route_not_found", nil, nil
		case fiber.StatusMethodNotAllowed:
			return fe.Code, "method_not_allowed", nil, nil
		case fiber.StatusRequestEntityTooLarge:
			return fe.Code, "body_too_large", nil, nil
		case fiber.StatusRequestTimeout:
			return fe.Code, "timeout", nil, nil
		}
		if fe.Code >= 400 && fe.Code < 500 {
			return fe.Code, "bad_request", nil, nil
		}
	}
	return fiber.StatusInternalServerError, "internal", nil, nil
}

// render builds the error body in lang.
func render(lang, code string, params map[string]any, fields []field.Error) ErrorBody {
	body := ErrorBody{Error: ErrorDetail{Code: code, Message: i18n.T(lang, "server_"+code, params)}}
	for _, f := range fields {
		body.Error.Fields = append(body.Error.Fields, FieldError{Path: f.Path, Code: f.Code, Message: fieldMessage(lang, f)})
	}
	return body
}

// fieldMessage renders a field error. Submit rules carry their own message
// per language; codes the catalog does not know fall back to the reason the
// engine gave (an expression's compile message, a filter's reason), then to
// the code, so the caller always sees something useful.
func fieldMessage(lang string, f field.Error) string {
	if f.Code == "rule" {
		if msg := ruleMessage(lang, f.Params["message"]); msg != "" {
			return msg
		}
	}
	params := f.Params
	if _, ok := params["key"]; !ok {
		params = make(map[string]any, len(f.Params)+1)
		for k, v := range f.Params {
			params[k] = v
		}
		// The field an error names: its params' field when it has one (a
		// filter's "filter.and[0].field" names the field it holds), else
		// the last segment of its path.
		params["key"] = lastSegment(f.Path)
		if s, ok := f.Params["field"].(string); ok && s != "" {
			params["key"] = s
		}
	}
	if !i18n.Has(i18n.En, f.Code) && !i18n.Has(i18n.ZhCN, f.Code) {
		if r, ok := f.Params["reason"].(string); ok && r != "" {
			if line, ok := f.Params["line"]; ok {
				return "line " + toString(line) + ", column " + toString(f.Params["column"]) + ": " + r
			}
			return r
		}
	}
	return i18n.T(lang, f.Code, params)
}

func ruleMessage(lang string, v any) string {
	var m map[string]string
	switch x := v.(type) {
	case map[string]string:
		m = x
	case map[string]any:
		m = map[string]string{}
		for k, s := range x {
			if str, ok := s.(string); ok {
				m[k] = str
			}
		}
	}
	if msg := strings.TrimSpace(m[lang]); msg != "" {
		return msg
	}
	if msg := strings.TrimSpace(m[i18n.En]); msg != "" {
		return msg
	}
	return strings.TrimSpace(m[i18n.ZhCN])
}

func toString(v any) string {
	switch x := v.(type) {
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case string:
		return x
	}
	return ""
}

func lastSegment(path string) string {
	if i := strings.LastIndexAny(path, ".]"); i >= 0 && i+1 < len(path) {
		return path[i+1:]
	}
	return path
}

// handleError writes err as an error response and logs server faults.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	status, code, params, fields := classify(err)
	if code == "storage_full" {
		s.full.set()
	}
	if status >= 500 {
		s.logger(c).Error("request failed", "err", err)
	} else {
		s.logger(c).Debug("request refused", "status", status, "code", code, "err", err)
	}
	if status == fiber.StatusTooManyRequests {
		if sec, ok := params["seconds"].(int); ok {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(sec))
		}
	}
	if status == fiber.StatusUnauthorized {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="formloom"`)
	}
	return c.Status(status).JSON(render(lang(c), code, params, fields))
}

// lang is the language of the request's messages.
func lang(c *fiber.Ctx) string { return i18n.Match(c.Get(fiber.HeaderAcceptLanguage)) }

// logger returns the request's logger (with its request id).
func (s *Server) logger(c *fiber.Ctx) *slog.Logger {
	if l, ok := c.Locals(localLogger).(*slog.Logger); ok {
		return l
	}
	return s.log
}
