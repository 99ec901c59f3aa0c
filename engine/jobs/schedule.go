package jobs

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/formloom/formloom/engine/store"
)

// collSchedules holds one document per schedule: its next due time, claimed
// with a compare-and-set on the document's version.
const collSchedules = "jobs_schedules"

// Missed says what a schedule does with a tick that is due for longer than
// its grace, for example after the processes were down.
type Missed string

const (
	// MissedCatchUpOnce fires one run for all the ticks that were missed.
	MissedCatchUpOnce Missed = "catch_up_once"
	// MissedSkip skips the missed ticks and waits for the next one.
	MissedSkip Missed = "skip"
)

// Schedule runs a job at the times a cron expression names, in a time zone.
type Schedule struct {
	// Name is a valid store key; it names the schedule's document.
	Name string
	// Cron is a five-field expression (minute hour day-of-month month
	// day-of-week) or a descriptor such as "@daily" or "@every 1h".
	Cron string
	// TimeZone is an IANA name (the workspace's), for example "Asia/Shanghai".
	TimeZone string
	// Workspace names the workspace the schedule belongs to, handed to
	// its tasks (empty: instance-wide).
	Workspace string
	// Job is the registered job each tick runs; Payload is handed to it.
	Job     string
	Payload map[string]any
	// Missed is the policy for missed ticks; empty means MissedCatchUpOnce.
	Missed Missed
	// Grace is how late a tick may fire and still count as on time; 0 means 1 minute.
	Grace time.Duration
}

// ScheduleError is an invalid schedule; Field names the bad part and Code
// the problem, for the API to render in the user's language.
type ScheduleError struct {
	Field, Code, Detail string
}

// The codes of ScheduleError.
const (
	CodeScheduleName     = "schedule_name"
	CodeScheduleCron     = "schedule_cron"
	CodeScheduleTimeZone = "schedule_time_zone"
	CodeScheduleMissed   = "schedule_missed"
	CodeScheduleJob      = "schedule_job"
)

var scheduleMessages = map[string][2]string{
	CodeScheduleName:     {"invalid schedule name", "计划名称无效"},
	CodeScheduleCron:     {"invalid cron expression", "cron 表达式无效"},
	CodeScheduleTimeZone: {"unknown time zone", "未知的时区"},
	CodeScheduleMissed:   {"unknown policy for missed runs", "未知的错过执行策略"},
	CodeScheduleJob:      {"the schedule's job is not registered", "计划的任务未注册"},
}

func (e *ScheduleError) Error() string {
	return fmt.Sprintf("jobs: schedule %s: %s: %s", e.Field, scheduleMessages[e.Code][0], e.Detail)
}

// Message renders the problem for people in lang ("zh-CN" or "en").
func (e *ScheduleError) Message(lang string) string {
	m := scheduleMessages[e.Code]
	if lang == "zh-CN" {
		return m[1] + "：" + e.Detail
	}
	return m[0] + ": " + e.Detail
}

// Is makes errors.Is(err, store.ErrInvalidInput) true.
func (e *ScheduleError) Is(target error) bool { return target == store.ErrInvalidInput }

var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseCron checks a cron expression and a time zone and returns the
// schedule they make; the errors are *ScheduleError.
func ParseCron(expr, timeZone string) (cron.Schedule, *time.Location, error) {
	if timeZone == "" {
		return nil, nil, &ScheduleError{Field: "time_zone", Code: CodeScheduleTimeZone, Detail: "empty; give an IANA name such as Asia/Shanghai"}
	}
	loc, err := time.LoadLocation(timeZone)
	if err != nil || strings.EqualFold(timeZone, "local") {
		return nil, nil, &ScheduleError{Field: "time_zone", Code: CodeScheduleTimeZone, Detail: fmt.Sprintf("%q is not an IANA time zone", timeZone)}
	}
	e := strings.TrimSpace(expr)
	if strings.HasPrefix(e, "TZ=") || strings.HasPrefix(e, "CRON_TZ=") {
		return nil, nil, &ScheduleError{Field: "cron", Code: CodeScheduleCron, Detail: "give the time zone separately, not as a TZ= prefix"}
	}
	if e == "" {
		return nil, nil, &ScheduleError{Field: "cron", Code: CodeScheduleCron, Detail: "empty"}
	}
	s, err := cronParser.Parse(e)
	if err != nil {
		return nil, nil, &ScheduleError{Field: "cron", Code: CodeScheduleCron, Detail: err.Error()}
	}
	// An expression that never fires (for example 30 February) is an error too.
	if s.Next(time.Date(2000, 1, 1, 0, 0, 0, 0, loc)).IsZero() {
		return nil, nil, &ScheduleError{Field: "cron", Code: CodeScheduleCron, Detail: fmt.Sprintf("%q never fires", e)}
	}
	return s, loc, nil
}

// schedule is a registered schedule with its parsed expression.
type schedule struct {
	Schedule
	cron cron.Schedule
	loc  *time.Location
}

// next returns the first tick strictly after t, in UTC.
func (s *schedule) next(t time.Time) time.Time { return nextTick(s.cron, s.loc, t).UTC() }

// nextTick is c.Next in loc, except that a wall time that repeats when the
// clocks go back (01:30 twice in New York on the first Sunday of November)
// fires once, at its first occurrence. A wall time that does not exist
// when the clocks go forward does not fire that day (robfig/cron's rule).
func nextTick(c cron.Schedule, loc *time.Location, t time.Time) time.Time {
	n := c.Next(t.In(loc))
	if _, wall := c.(*cron.SpecSchedule); !wall {
		return n // "@every d" counts elapsed time, not wall time
	}
	for range 8 {
		if n.IsZero() || !repeatedWallTime(n) {
			return n
		}
		n = c.Next(n)
	}
	return n
}

// repeatedWallTime says n's wall time already occurred shortly before n
// (the second pass through the hour the clocks went back).
func repeatedWallTime(n time.Time) bool {
	const wall = "2006-01-02 15:04:05"
	for _, d := range []time.Duration{30 * time.Minute, time.Hour, 2 * time.Hour} {
		if n.Add(-d).Format(wall) == n.Format(wall) {
			return true
		}
	}
	return false
}

// NextRuns returns the first n ticks of a schedule after t, for previews.
func NextRuns(expr, timeZone string, after time.Time, n int) ([]time.Time, error) {
	c, loc, err := ParseCron(expr, timeZone)
	if err != nil {
		return nil, err
	}
	out := make([]time.Time, 0, n)
	for t := after; len(out) < n; {
		t = nextTick(c, loc, t)
		if t.IsZero() {
			break
		}
		out = append(out, t)
	}
	return out, nil
}

// AddSchedule registers a schedule; call it before Run, after RegisterJob of its job.
func (r *Runtime) AddSchedule(s Schedule) error {
	sc, err := r.compileSchedule(s)
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.timers.schedules == nil {
		r.timers.schedules = map[string]*schedule{}
	}
	if _, ok := r.timers.schedules[s.Name]; ok {
		return fmt.Errorf("%w: jobs: schedule %s added twice", store.ErrDuplicate, s.Name)
	}
	r.timers.schedules[s.Name] = sc
	return nil
}

// compileSchedule checks s and parses its expression, with the defaults filled in.
func (r *Runtime) compileSchedule(s Schedule) (*schedule, error) {
	if err := store.ValidateCollection(s.Name); err != nil {
		return nil, &ScheduleError{Field: "name", Code: CodeScheduleName, Detail: err.Error()}
	}
	c, loc, err := ParseCron(s.Cron, s.TimeZone)
	if err != nil {
		return nil, err
	}
	switch s.Missed {
	case "":
		s.Missed = MissedCatchUpOnce
	case MissedCatchUpOnce, MissedSkip:
	default:
		return nil, &ScheduleError{Field: "missed", Code: CodeScheduleMissed, Detail: fmt.Sprintf("%q; use %q or %q", s.Missed, MissedCatchUpOnce, MissedSkip)}
	}
	if s.Grace <= 0 {
		s.Grace = time.Minute
	}
	if r.job(s.Job) == nil {
		return nil, &ScheduleError{Field: "job", Code: CodeScheduleJob, Detail: fmt.Sprintf("%q", s.Job)}
	}
	return &schedule{Schedule: s, cron: c, loc: loc}, nil
}
