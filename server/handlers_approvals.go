package server

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/workflow"
)

// flows returns the approval service, or 404 when none is wired.
func (s *Server) flows() (*workflow.Approvals, error) {
	if s.cfg.Approvals == nil {
		return nil, engine.ErrNotFound
	}
	return s.cfg.Approvals, nil
}

// approvalErr maps a closed task to its own code.
func approvalErr(err error) error {
	if errors.Is(err, workflow.ErrTaskClosed) {
		return newError(fiber.StatusConflict, "task_closed", err)
	}
	return err
}

func (s *Server) listFlows(c *fiber.Ctx) error {
	w, err := s.flows()
	if err != nil {
		return err
	}
	list, err := w.Flows(c.UserContext(), actor(c), c.Params("form"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": list})
}

func (s *Server) createFlow(c *fiber.Ctx) error {
	w, err := s.flows()
	if err != nil {
		return err
	}
	var in workflow.FlowInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	f, err := w.CreateFlow(c.UserContext(), actor(c), c.Params("form"), in)
	if err != nil {
		return err
	}
	return created(c, f)
}

func (s *Server) getFlow(c *fiber.Ctx) error {
	w, err := s.flows()
	if err != nil {
		return err
	}
	f, err := w.Flow(c.UserContext(), actor(c), c.Params("flow"))
	if err != nil {
		return err
	}
	return c.JSON(f)
}

func (s *Server) saveFlow(c *fiber.Ctx) error {
	w, err := s.flows()
	if err != nil {
		return err
	}
	var in workflow.FlowInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	f, err := w.SaveFlow(c.UserContext(), actor(c), c.Params("flow"), in)
	if err != nil {
		return err
	}
	return c.JSON(f)
}

func (s *Server) deleteFlow(c *fiber.Ctx) error {
	w, err := s.flows()
	if err != nil {
		return err
	}
	if err := w.DeleteFlow(c.UserContext(), actor(c), c.Params("flow")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// FlowValidateInput optionally carries an unsaved draft to check.
type FlowValidateInput struct {
	Draft *workflow.FlowDesign `json:"draft"`
}

func (s *Server) validateFlow(c *fiber.Ctx) error {
	w, err := s.flows()
	if err != nil {
		return err
	}
	var in FlowValidateInput
	if len(c.Body()) > 0 {
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
	}
	errs, err := w.Validate(c.UserContext(), actor(c), c.Params("flow"), in.Draft)
	if err != nil {
		return err
	}
	l := lang(c)
	out := []FieldError{}
	for _, f := range errs {
		out = append(out, FieldError{Path: f.Path, Code: f.Code, Message: fieldMessage(l, f)})
	}
	return c.JSON(fiber.Map{"valid": len(errs) == 0, "errors": out})
}

func (s *Server) publishFlow(c *fiber.Ctx) error {
	w, err := s.flows()
	if err != nil {
		return err
	}
	fv, err := w.Publish(c.UserContext(), actor(c), c.Params("flow"))
	if err != nil {
		return err
	}
	return created(c, fv)
}

func (s *Server) listFlowVersions(c *fiber.Ctx) error {
	w, err := s.flows()
	if err != nil {
		return err
	}
	list, err := w.Versions(c.UserContext(), actor(c), c.Params("flow"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": list})
}

func (s *Server) getFlowVersion(c *fiber.Ctx) error {
	w, err := s.flows()
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(c.Params("n"))
	if err != nil || n < 1 {
		return engine.ErrNotFound
	}
	fv, err := w.Version(c.UserContext(), actor(c), c.Params("flow"), n)
	if err != nil {
		return err
	}
	return c.JSON(fv)
}

func (s *Server) startFlow(c *fiber.Ctx) error {
	w, err := s.flows()
	if err != nil {
		return err
	}
	var in workflow.StartInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	got, err := w.Start(c.UserContext(), actor(c), c.Params("flow"), in)
	if err != nil {
		return err
	}
	return created(c, got)
}

func (s *Server) recordApprovals(c *fiber.Ctx) error {
	w, err := s.flows()
	if err != nil {
		return err
	}
	list, err := w.RecordInstances(c.UserContext(), actor(c), c.Params("form"), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": list})
}

func (s *Server) getApproval(c *fiber.Ctx) error {
	w, err := s.flows()
	if err != nil {
		return err
	}
	in, err := w.Instance(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(in)
}

// CommentInput is an optional comment of an instance action.
type CommentInput struct {
	Comment string `json:"comment"`
}

func (s *Server) instanceAction(c *fiber.Ctx, do func(w *workflow.Approvals, in CommentInput) (workflow.Instance, error)) error {
	w, err := s.flows()
	if err != nil {
		return err
	}
	var in CommentInput
	if len(c.Body()) > 0 {
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
	}
	got, err := do(w, in)
	if err != nil {
		return err
	}
	return c.JSON(got)
}

func (s *Server) withdrawApproval(c *fiber.Ctx) error {
	return s.instanceAction(c, func(w *workflow.Approvals, in CommentInput) (workflow.Instance, error) {
		return w.Withdraw(c.UserContext(), actor(c), c.Params("id"), in.Comment)
	})
}

func (s *Server) endApproval(c *fiber.Ctx) error {
	return s.instanceAction(c, func(w *workflow.Approvals, in CommentInput) (workflow.Instance, error) {
		return w.End(c.UserContext(), actor(c), c.Params("id"), in.Comment)
	})
}

func (s *Server) reactivateApproval(c *fiber.Ctx) error {
	return s.instanceAction(c, func(w *workflow.Approvals, in CommentInput) (workflow.Instance, error) {
		return w.Reactivate(c.UserContext(), actor(c), c.Params("id"), in.Comment)
	})
}

func (s *Server) listTasks(c *fiber.Ctx) error {
	w, err := s.flows()
	if err != nil {
		return err
	}
	box := c.Query("box", workflow.BoxTodo)
	limit, _ := strconv.Atoi(c.Query("limit"))
	p, err := w.Inbox(c.UserContext(), actor(c), box, c.Query("cursor"), limit)
	if err != nil {
		return err
	}
	if box == workflow.BoxStarted {
		return c.JSON(fiber.Map{"items": p.Instances, "nextCursor": p.NextCursor})
	}
	return c.JSON(fiber.Map{"items": p.Tasks, "nextCursor": p.NextCursor})
}

func (s *Server) taskCounts(c *fiber.Ctx) error {
	w, err := s.flows()
	if err != nil {
		return err
	}
	n, err := w.Counts(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(n)
}

// BatchApproveInput lists tasks to approve with one comment.
type BatchApproveInput struct {
	Tasks   []string `json:"tasks"`
	Comment string   `json:"comment"`
}

// BatchItem is one task's outcome of a batch approval.
type BatchItem struct {
	Task  string       `json:"task"`
	OK    bool         `json:"ok"`
	Error *ErrorDetail `json:"error,omitempty"`
}

func (s *Server) batchApprove(c *fiber.Ctx) error {
	w, err := s.flows()
	if err != nil {
		return err
	}
	var in BatchApproveInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	res, err := w.BatchApprove(c.UserContext(), actor(c), in.Tasks, in.Comment)
	if err != nil {
		return err
	}
	l := lang(c)
	out := make([]BatchItem, len(res))
	for i, r := range res {
		out[i] = BatchItem{Task: r.Task, OK: r.OK}
		if r.Err != nil {
			_, code, params, fields := classify(approvalErr(r.Err))
			body := render(l, code, params, fields)
			out[i].Error = &body.Error
		}
	}
	return c.JSON(fiber.Map{"results": out})
}

func (s *Server) getTask(c *fiber.Ctx) error {
	w, err := s.flows()
	if err != nil {
		return err
	}
	d, err := w.TaskDetail(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(d)
}

var taskActions = map[string]bool{workflow.ActionApprove: true, workflow.ActionReject: true, workflow.ActionReturn: true,
	workflow.ActionTransfer: true, workflow.ActionAdd: true, workflow.ActionCC: true, "read": true}

func (s *Server) actOnTask(c *fiber.Ctx) error {
	w, err := s.flows()
	if err != nil {
		return err
	}
	action := c.Params("action")
	if !taskActions[action] {
		return newError(fiber.StatusNotFound, "route_not_found", nil)
	}
	var in workflow.ActInput
	if len(c.Body()) > 0 {
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
	}
	t, err := w.Act(c.UserContext(), actor(c), c.Params("id"), action, in)
	if err != nil {
		return approvalErr(err)
	}
	return c.JSON(t)
}
