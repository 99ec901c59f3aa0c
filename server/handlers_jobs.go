package server

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/jobs"
	"github.com/formloom/formloom/engine/store"
)

// maxDeadLettersListed bounds the dead letters one answer lists.
const maxDeadLettersListed = 200

// JobConsumer is one outbox consumer on the admin screen. The figures are
// instance-wide (every workspace's events pass through one outbox); the
// counters handled, failures and panics are this process's since start.
type JobConsumer struct {
	Name        string  `json:"name"`
	Position    int64   `json:"position"`
	LagEvents   int     `json:"lagEvents"`
	LagCapped   bool    `json:"lagCapped"`
	LagSeconds  float64 `json:"lagSeconds"`
	State       string  `json:"state"`
	DeadLetters int     `json:"deadLetters"`
	Handled     int64   `json:"handled"`
	Failures    int64   `json:"failures"`
	Panics      int64   `json:"panics"`
}

// JobQueue is one store queue with its depth.
type JobQueue struct {
	Name  string `json:"name"`
	Depth int64  `json:"depth"`
}

// JobDeadLetter is a dead letter of an event of the workspace.
type JobDeadLetter struct {
	ID         string `json:"id"`
	Consumer   string `json:"consumer"`
	EventID    string `json:"eventId"`
	EventType  string `json:"eventType"`
	Collection string `json:"collection"`
	DocID      string `json:"docId"`
	EventAt    string `json:"eventAt"`
	Attempts   int    `json:"attempts"`
	LastError  string `json:"lastError"`
	FailedAt   string `json:"failedAt"`
}

// JobRetryResult says whether a retried dead letter was handled; when not,
// DeadLetter is the kept dead letter with the new error.
type JobRetryResult struct {
	OK         bool           `json:"ok"`
	DeadLetter *JobDeadLetter `json:"deadLetter,omitempty"`
}

func toJobDeadLetter(d jobs.DeadLetter) JobDeadLetter {
	return JobDeadLetter{ID: d.ID, Consumer: d.Consumer, EventID: d.Event.ID, EventType: d.Event.Type,
		Collection: d.Event.Collection, DocID: d.Event.DocID, EventAt: store.FormatTime(d.Event.At),
		Attempts: d.Attempts, LastError: d.LastError, FailedAt: d.FailedAt}
}

// allowJobs checks the caller may manage background work.
func (s *Server) allowJobs(c *fiber.Ctx) error {
	_, err := s.e.Authorize(c.UserContext(), actor(c), engine.ActJobsManage, engine.Resource{})
	return err
}

func (s *Server) listJobConsumers(c *fiber.Ctx) error {
	if err := s.allowJobs(c); err != nil {
		return err
	}
	items := []JobConsumer{}
	if s.cfg.Jobs != nil {
		cs, err := s.cfg.Jobs.Consumers(c.UserContext())
		if err != nil {
			return err
		}
		for _, ci := range cs {
			items = append(items, JobConsumer{Name: ci.Name, Position: ci.Position, LagEvents: ci.LagEvents, LagCapped: ci.LagCapped,
				LagSeconds: ci.LagSeconds, State: ci.State, DeadLetters: ci.DeadLetters, Handled: ci.Handled, Failures: ci.Failures, Panics: ci.Panics})
		}
	}
	return c.JSON(fiber.Map{"items": items})
}

func (s *Server) listJobQueues(c *fiber.Ctx) error {
	if err := s.allowJobs(c); err != nil {
		return err
	}
	items := []JobQueue{}
	if s.cfg.Jobs != nil {
		qs, err := s.cfg.Jobs.Queues(c.UserContext())
		if err != nil {
			return err
		}
		for _, q := range qs {
			items = append(items, JobQueue{Name: q.Name, Depth: q.Depth})
		}
	}
	return c.JSON(fiber.Map{"items": items})
}

func (s *Server) listDeadLetters(c *fiber.Ctx) error {
	if err := s.allowJobs(c); err != nil {
		return err
	}
	items := []JobDeadLetter{}
	if s.cfg.Jobs != nil {
		dls, err := s.cfg.Jobs.WorkspaceDeadLetters(c.UserContext(), actor(c).Workspace, maxDeadLettersListed)
		if err != nil {
			return err
		}
		for _, d := range dls {
			items = append(items, toJobDeadLetter(d))
		}
	}
	return c.JSON(fiber.Map{"items": items})
}

// ownDeadLetter finds a dead letter of an event of the caller's workspace;
// any other (missing, or another workspace's) is not found.
func (s *Server) ownDeadLetter(c *fiber.Ctx) (jobs.DeadLetter, error) {
	if err := s.allowJobs(c); err != nil {
		return jobs.DeadLetter{}, err
	}
	if s.cfg.Jobs == nil {
		return jobs.DeadLetter{}, engine.ErrNotFound
	}
	d, err := s.cfg.Jobs.DeadLetter(c.UserContext(), c.Params("id"))
	if errors.Is(err, store.ErrNotFound) || (err == nil && d.Event.Workspace != actor(c).Workspace) {
		return jobs.DeadLetter{}, engine.ErrNotFound
	}
	return d, err
}

func (s *Server) retryDeadLetter(c *fiber.Ctx) error {
	d, err := s.ownDeadLetter(c)
	if err != nil {
		return err
	}
	rerr := s.cfg.Jobs.RetryDeadLetter(c.UserContext(), d.ID)
	if rerr == nil {
		return c.JSON(JobRetryResult{OK: true})
	}
	kept, err := s.cfg.Jobs.DeadLetter(c.UserContext(), d.ID)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return engine.ErrNotFound
		}
		return err
	}
	s.log.Warn("dead letter retry failed", "dead_letter", d.ID, "consumer", d.Consumer, "event_id", d.Event.ID, "error", rerr)
	jd := toJobDeadLetter(kept)
	return c.JSON(JobRetryResult{OK: false, DeadLetter: &jd})
}

func (s *Server) discardDeadLetter(c *fiber.Ctx) error {
	d, err := s.ownDeadLetter(c)
	if err != nil {
		return err
	}
	if err := s.cfg.Jobs.DiscardDeadLetter(c.UserContext(), d.ID); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return engine.ErrNotFound
		}
		return err
	}
	return noContent(c)
}
