package server

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/jobs"
	"github.com/formloom/formloom/engine/store"
)

// JobTaskDeadLetter is a dead task of the workspace: a timer, one-off job
// or schedule tick that failed its last attempt.
type JobTaskDeadLetter struct {
	ID        string         `json:"id"`
	Job       string         `json:"job"`
	Kind      string         `json:"kind"` // timer, schedule or job
	Timer     string         `json:"timer,omitempty"`
	Schedule  string         `json:"schedule,omitempty"`
	Tick      string         `json:"tick,omitempty"`
	DueAt     string         `json:"dueAt"`
	Attempts  int            `json:"attempts"`
	LastError string         `json:"lastError"`
	FailedAt  string         `json:"failedAt"`
	Payload   map[string]any `json:"payload"`
}

// JobTaskRetryResult says the dead task was queued again, due now.
type JobTaskRetryResult struct {
	Queued bool `json:"queued"`
}

func toJobTaskDeadLetter(d jobs.TaskDeadLetter) JobTaskDeadLetter {
	out := JobTaskDeadLetter{ID: d.ID, Job: d.Task.Job, Kind: "job", Timer: d.Task.Timer, Schedule: d.Task.Schedule,
		DueAt: store.FormatTime(d.Task.DueAt), Attempts: d.Task.Attempt, LastError: d.LastError, FailedAt: d.FailedAt, Payload: d.Task.Payload}
	switch {
	case d.Task.Schedule != "":
		out.Kind = "schedule"
		out.Tick = store.FormatTime(d.Task.Tick)
	case d.Task.Timer != "":
		out.Kind = "timer"
	}
	if out.Payload == nil {
		out.Payload = map[string]any{}
	}
	return out
}

func (s *Server) listTaskDeadLetters(c *fiber.Ctx) error {
	if err := s.allowJobs(c); err != nil {
		return err
	}
	items := []JobTaskDeadLetter{}
	if s.cfg.Jobs != nil {
		dls, err := s.cfg.Jobs.WorkspaceTaskDeadLetters(c.UserContext(), actor(c).Workspace, maxDeadLettersListed)
		if err != nil {
			return err
		}
		for _, d := range dls {
			items = append(items, toJobTaskDeadLetter(d))
		}
	}
	return c.JSON(fiber.Map{"items": items})
}

// ownTaskDeadLetter finds a dead task of the caller's workspace; any other
// (missing, instance-wide, or another workspace's) is not found.
func (s *Server) ownTaskDeadLetter(c *fiber.Ctx) (jobs.TaskDeadLetter, error) {
	if err := s.allowJobs(c); err != nil {
		return jobs.TaskDeadLetter{}, err
	}
	if s.cfg.Jobs == nil {
		return jobs.TaskDeadLetter{}, engine.ErrNotFound
	}
	d, err := s.cfg.Jobs.TaskDeadLetter(c.UserContext(), c.Params("id"))
	if errors.Is(err, store.ErrNotFound) || (err == nil && (d.Task.Workspace == "" || d.Task.Workspace != actor(c).Workspace)) {
		return jobs.TaskDeadLetter{}, engine.ErrNotFound
	}
	return d, err
}

func (s *Server) retryTaskDeadLetter(c *fiber.Ctx) error {
	d, err := s.ownTaskDeadLetter(c)
	if err != nil {
		return err
	}
	if err := s.cfg.Jobs.RetryTaskDeadLetter(c.UserContext(), d.ID); err != nil {
		if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrConflict) {
			return engine.ErrNotFound // retried or discarded meanwhile
		}
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(JobTaskRetryResult{Queued: true})
}

func (s *Server) discardTaskDeadLetter(c *fiber.Ctx) error {
	d, err := s.ownTaskDeadLetter(c)
	if err != nil {
		return err
	}
	if err := s.cfg.Jobs.DiscardTaskDeadLetter(c.UserContext(), d.ID); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return engine.ErrNotFound
		}
		return err
	}
	return noContent(c)
}
