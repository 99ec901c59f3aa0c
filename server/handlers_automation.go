package server

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/automation"
	"github.com/formloom/formloom/engine/field"
)

// AutomationInput creates an automation with its first draft.
type AutomationInput struct {
	Draft automation.Design `json:"draft"`
}

// AutomationUpdate replaces an automation's draft; Version is the
// automation's version the caller read.
type AutomationUpdate struct {
	Draft   automation.Design `json:"draft"`
	Version int64             `json:"version"`
}

// AutomationVersionInput carries the version the caller read, for the
// writes that take nothing else.
type AutomationVersionInput struct {
	Version int64 `json:"version"`
}

// AutomationEnabledInput switches an automation on or off.
type AutomationEnabledInput struct {
	Enabled bool  `json:"enabled"`
	Version int64 `json:"version"`
}

// AutomationExpressionInput is an expression to check live: kind is
// condition (must be a boolean) or value (a field mapping, any type).
type AutomationExpressionInput struct {
	Expression string `json:"expression"`
	Kind       string `json:"kind"`
	// Trigger, when given, types the event variable for the design's
	// trigger (event.from and event.to of a stage change, for example).
	Trigger *automation.Trigger `json:"trigger,omitempty"`
}

// DryRunInput runs against a stored record or an edited old/new pair;
// Design, when given, is the designer's unsaved draft.
type DryRunInput struct {
	Record string             `json:"record,omitempty"`
	Old    map[string]any     `json:"old,omitempty"`
	New    map[string]any     `json:"new,omitempty"`
	Design *automation.Design `json:"design,omitempty"`
	// Event holds values of the event variable's fields.
	Event map[string]any `json:"event,omitempty"`
}

// ReplayInput is the range of past events to re-run; DryRun previews.
type ReplayInput struct {
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
	DryRun bool      `json:"dryRun"`
}

// ReplayResult is a replay's outcome, or its preview when DryRun.
type ReplayResult struct {
	automation.ReplayResult
	DryRun bool `json:"dryRun"`
}

// AutomationItem is an automation in a list, with a summary of its log:
// the last run and how many of the last recentRuns runs failed or stopped.
type AutomationItem struct {
	automation.Automation
	LastRun  *RunSummary `json:"lastRun,omitempty"`
	Failures int         `json:"failures"`
	// Summary counts its runs by outcome over 24 hours and 7 days.
	Summary *automation.RunSummary `json:"summary,omitempty"`
}

// RunSummary is the status and start of a run.
type RunSummary struct {
	Status    automation.RunStatus `json:"status"`
	StartedAt time.Time            `json:"startedAt"`
}

// recentRuns is how many of its latest runs a list summarises.
const recentRuns = 20

// summarise adds each automation's log summary (one page read each).
func (s *Server) summarise(ctx context.Context, svc *automation.Service, a engine.Actor, list []automation.Automation) ([]AutomationItem, error) {
	out := make([]AutomationItem, 0, len(list))
	for _, au := range list {
		it := AutomationItem{Automation: au}
		p, err := svc.Runs(ctx, a, au.ID, automation.RunQuery{Limit: recentRuns})
		if err != nil {
			return nil, err
		}
		if sum, err := svc.Summary(ctx, a, au.ID); err == nil {
			it.Summary = &sum
		} else {
			return nil, err
		}
		for i, r := range p.Items {
			if i == 0 {
				it.LastRun = &RunSummary{Status: r.Status, StartedAt: r.StartedAt}
			}
			if r.Status == automation.RunFailed || r.Status == automation.RunStopped {
				it.Failures++
			}
		}
		out = append(out, it)
	}
	return out, nil
}

// maxAlertWeeks bounds the weeks /alerts/counts looks back.
const maxAlertWeeks = 104

// automations returns the automation service, or 404 when none is wired.
func (s *Server) automations() (*automation.Service, error) {
	if s.cfg.Automations == nil {
		return nil, engine.ErrNotFound
	}
	return s.cfg.Automations, nil
}

func (s *Server) listAutomations(c *fiber.Ctx) error {
	svc, err := s.automations()
	if err != nil {
		return err
	}
	ctx, a := c.UserContext(), actor(c)
	list, err := svc.List(ctx, a, c.Params("form"))
	if err != nil {
		return err
	}
	out, err := s.summarise(ctx, svc, a, list)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": out})
}

// listAppAutomations lists the automations of the app's forms the caller
// designs; forms they only use are left out, not refused.
func (s *Server) listAppAutomations(c *fiber.Ctx) error {
	svc, err := s.automations()
	if err != nil {
		return err
	}
	ctx, a := c.UserContext(), actor(c)
	list, err := svc.ListApp(ctx, a, c.Params("app"))
	if err != nil {
		return err
	}
	items, err := s.summarise(ctx, svc, a, list)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items})
}

func (s *Server) createAutomation(c *fiber.Ctx) error {
	svc, err := s.automations()
	if err != nil {
		return err
	}
	var in AutomationInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	au, err := svc.Create(c.UserContext(), actor(c), c.Params("form"), in.Draft)
	if err != nil {
		return err
	}
	return created(c, au)
}

func (s *Server) getAutomation(c *fiber.Ctx) error {
	svc, err := s.automations()
	if err != nil {
		return err
	}
	au, err := svc.Get(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(au)
}

func (s *Server) saveAutomation(c *fiber.Ctx) error {
	svc, err := s.automations()
	if err != nil {
		return err
	}
	var in AutomationUpdate
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := needVersion(in.Version); err != nil {
		return err
	}
	au, err := svc.SaveDraft(c.UserContext(), actor(c), c.Params("id"), in.Draft, in.Version)
	if err != nil {
		return err
	}
	return c.JSON(au)
}

func (s *Server) deleteAutomation(c *fiber.Ctx) error {
	svc, err := s.automations()
	if err != nil {
		return err
	}
	if err := svc.Delete(c.UserContext(), actor(c), c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) publishAutomation(c *fiber.Ctx) error {
	svc, err := s.automations()
	if err != nil {
		return err
	}
	var in AutomationVersionInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := needVersion(in.Version); err != nil {
		return err
	}
	au, err := svc.Publish(c.UserContext(), actor(c), c.Params("id"), in.Version)
	if err != nil {
		return err
	}
	return c.JSON(au)
}

func (s *Server) setAutomationEnabled(c *fiber.Ctx) error {
	svc, err := s.automations()
	if err != nil {
		return err
	}
	var in AutomationEnabledInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := needVersion(in.Version); err != nil {
		return err
	}
	au, err := svc.SetEnabled(c.UserContext(), actor(c), c.Params("id"), in.Enabled, in.Version)
	if err != nil {
		return err
	}
	return c.JSON(au)
}

func (s *Server) listAutomationVersions(c *fiber.Ctx) error {
	svc, err := s.automations()
	if err != nil {
		return err
	}
	list, err := svc.Versions(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": list})
}

func (s *Server) checkAutomationExpression(c *fiber.Ctx) error {
	svc, err := s.automations()
	if err != nil {
		return err
	}
	var in AutomationExpressionInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	switch in.Kind {
	case "", "condition", "value":
	default:
		return &engine.ValidationError{Fields: []field.Error{{Path: "kind", Code: engine.CodeOption, Params: map[string]any{"value": in.Kind}}}}
	}
	var t automation.Trigger
	if in.Trigger != nil {
		t = *in.Trigger
	}
	res, err := svc.CheckExpressionFor(c.UserContext(), actor(c), c.Params("form"), in.Expression, in.Kind, lang(c), t)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

func (s *Server) listAutomationEvents(c *fiber.Ctx) error {
	svc, err := s.automations()
	if err != nil {
		return err
	}
	if actor(c).Workspace == "" {
		return engine.ErrForbidden
	}
	return c.JSON(fiber.Map{"items": svc.EventTypes()})
}

func (s *Server) listAutomationActions(c *fiber.Ctx) error {
	svc, err := s.automations()
	if err != nil {
		return err
	}
	if actor(c).Workspace == "" {
		return engine.ErrForbidden
	}
	return c.JSON(fiber.Map{"items": svc.ActionKinds()})
}

// runQuery reads the log's status, limit and cursor.
func runQuery(c *fiber.Ctx) (automation.RunQuery, error) {
	q := automation.RunQuery{Cursor: c.Query("cursor")}
	switch st := automation.RunStatus(c.Query("status")); st {
	case "", automation.RunSucceeded, automation.RunNoMatch, automation.RunFailed, automation.RunStopped, automation.RunRunning:
		q.Status = st
	default:
		return q, &engine.ValidationError{Fields: []field.Error{{Path: "status", Code: engine.CodeOption, Params: map[string]any{"value": string(st)}}}}
	}
	n, err := queryLimit(c, 100)
	q.Limit = n
	return q, err
}

// queryLimit reads ?limit=, 1 to max; absent is 0 (the service's default).
func queryLimit(c *fiber.Ctx, max int) (int, error) {
	l := c.Query("limit")
	if l == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(l)
	if err != nil || n < 1 || n > max {
		return 0, &engine.ValidationError{Fields: []field.Error{{Path: "limit", Code: engine.CodeRange, Params: map[string]any{"min": 1, "max": max}}}}
	}
	return n, nil
}

// needVersion refuses a write without the version the caller read.
func needVersion(v int64) error {
	if v <= 0 {
		return &engine.ValidationError{Fields: []field.Error{{Path: "version", Code: engine.CodeRequired}}}
	}
	return nil
}

func (s *Server) getAutomationSummary(c *fiber.Ctx) error {
	svc, err := s.automations()
	if err != nil {
		return err
	}
	sum, err := svc.Summary(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(sum)
}

func (s *Server) listAutomationRuns(c *fiber.Ctx) error {
	svc, err := s.automations()
	if err != nil {
		return err
	}
	q, err := runQuery(c)
	if err != nil {
		return err
	}
	p, err := svc.Runs(c.UserContext(), actor(c), c.Params("id"), q)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (s *Server) listRecordAutomationRuns(c *fiber.Ctx) error {
	svc, err := s.automations()
	if err != nil {
		return err
	}
	q, err := runQuery(c)
	if err != nil {
		return err
	}
	p, err := svc.RecordRuns(c.UserContext(), actor(c), c.Params("form"), c.Params("record"), q)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (s *Server) dryRunAutomation(c *fiber.Ctx) error {
	svc, err := s.automations()
	if err != nil {
		return err
	}
	var in DryRunInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.Record == "" && in.New == nil {
		return &engine.ValidationError{Fields: []field.Error{{Path: "record", Code: engine.CodeRequired}}}
	}
	run, err := svc.DryRun(c.UserContext(), actor(c), c.Params("id"), automation.DryRunInput{Record: in.Record, Old: in.Old, New: in.New, Design: in.Design, Event: in.Event})
	if err != nil {
		return err
	}
	return c.JSON(run)
}

func (s *Server) replayAutomation(c *fiber.Ctx) error {
	svc, err := s.automations()
	if err != nil {
		return err
	}
	var in ReplayInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	var errs []field.Error
	if in.From.IsZero() {
		errs = append(errs, field.Error{Path: "from", Code: engine.CodeRequired})
	}
	if in.To.IsZero() {
		errs = append(errs, field.Error{Path: "to", Code: engine.CodeRequired})
	}
	if len(errs) == 0 && !in.From.Before(in.To) {
		errs = append(errs, field.Error{Path: "to", Code: field.CodeMin, Params: map[string]any{"min": in.From.Format(time.RFC3339)}})
	}
	if len(errs) > 0 {
		return &engine.ValidationError{Fields: errs}
	}
	ri := automation.ReplayInput{From: in.From, To: in.To}
	var res automation.ReplayResult
	if in.DryRun {
		res, err = svc.ReplayPreview(c.UserContext(), actor(c), c.Params("id"), ri)
	} else {
		res, err = svc.Replay(c.UserContext(), actor(c), c.Params("id"), ri)
	}
	if err != nil {
		return err
	}
	if res.Runs == nil {
		res.Runs = []automation.Run{}
	}
	return c.JSON(ReplayResult{ReplayResult: res, DryRun: in.DryRun})
}

func (s *Server) listAlerts(c *fiber.Ctx) error {
	svc, err := s.automations()
	if err != nil {
		return err
	}
	q := automation.AlertQuery{Form: c.Query("form"), Record: c.Query("record"), Rule: c.Query("rule"), Owner: c.Query("owner"), Cursor: c.Query("cursor")}
	var errs []field.Error
	switch sv := automation.Severity(c.Query("severity")); sv {
	case "", automation.SeverityInfo, automation.SeverityWarning, automation.SeverityCritical:
		q.Severity = sv
	default:
		errs = append(errs, field.Error{Path: "severity", Code: engine.CodeOption, Params: map[string]any{"value": string(sv)}})
	}
	switch st := automation.AlertState(c.Query("state")); st {
	case "", automation.AlertOpen, automation.AlertAcknowledged, automation.AlertResolved:
		q.State = st
	default:
		errs = append(errs, field.Error{Path: "state", Code: engine.CodeOption, Params: map[string]any{"value": string(st)}})
	}
	n, err := queryLimit(c, 100)
	var ve *engine.ValidationError
	if errors.As(err, &ve) {
		errs = append(errs, ve.Fields...)
	}
	if len(errs) > 0 {
		return &engine.ValidationError{Fields: errs}
	}
	q.Limit = n
	p, err := svc.Alerts(c.UserContext(), actor(c), q)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (s *Server) alertCounts(c *fiber.Ctx) error {
	svc, err := s.automations()
	if err != nil {
		return err
	}
	weeks := 12
	if w := c.Query("weeks"); w != "" {
		n, err := strconv.Atoi(w)
		if err != nil || n < 1 || n > maxAlertWeeks {
			return &engine.ValidationError{Fields: []field.Error{{Path: "weeks", Code: engine.CodeRange, Params: map[string]any{"min": 1, "max": maxAlertWeeks}}}}
		}
		weeks = n
	}
	to := s.e.Now()
	list, err := svc.AlertCounts(c.UserContext(), actor(c), to.AddDate(0, 0, -7*weeks), to)
	if err != nil {
		return err
	}
	if list == nil {
		list = []automation.AlertCount{}
	}
	return c.JSON(fiber.Map{"items": list})
}

func (s *Server) getAlert(c *fiber.Ctx) error {
	svc, err := s.automations()
	if err != nil {
		return err
	}
	al, err := svc.Alert(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(al)
}

func (s *Server) acknowledgeAlert(c *fiber.Ctx) error {
	return s.moveAlert(c, (*automation.Service).AcknowledgeIf)
}

func (s *Server) resolveAlert(c *fiber.Ctx) error {
	return s.moveAlert(c, (*automation.Service).ResolveIf)
}

// moveAlert acknowledges or resolves an alert the caller sees, as a
// compare-and-set on the version the caller read (409 when stale).
func (s *Server) moveAlert(c *fiber.Ctx, move func(*automation.Service, context.Context, engine.Actor, string, int64) (automation.Alert, error)) error {
	svc, err := s.automations()
	if err != nil {
		return err
	}
	var in AutomationVersionInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := needVersion(in.Version); err != nil {
		return err
	}
	al, err := move(svc, c.UserContext(), actor(c), c.Params("id"), in.Version)
	if err != nil {
		return err
	}
	return c.JSON(al)
}

// runAutomationNow runs a scheduled automation at once (RunNow).
func (s *Server) runAutomationNow(c *fiber.Ctx) error {
	svc, err := s.automations()
	if err != nil {
		return err
	}
	res, err := svc.RunNow(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(res)
}
