package server

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/formloom/formloom/engine/jobs"
	"github.com/formloom/formloom/engine/store"
)

// jobsCollector exports the background-work runtime's figures per consumer
// and per watched queue.
type jobsCollector struct {
	rt *jobs.Runtime

	position, lag, lagSeconds, running, stored *prometheus.Desc
	handled, failures, deadLetters, panics     *prometheus.Desc
	depth                                      *prometheus.Desc

	// Delayed work: timers, one-off jobs and schedule ticks (TimerStats).
	tasks, ticks, renewals, taskStored *prometheus.Desc
}

// WatchJobs registers the metrics of rt: per consumer its position, lag in
// events (counted up to store.MaxReadEvents) and in seconds (age of the
// oldest event not yet passed), whether this process runs it, its stored
// dead letters, counters of handled events, failures, dead letters and
// panics, and a histogram of handler durations by outcome; per watched
// queue its depth; for delayed work (timers, one-off jobs, schedule ticks)
// the task runs by outcome, the schedule ticks claimed here by outcome,
// the lease renewals of running tasks and the stored dead tasks. st is unused (kept for callers); the runtime reads its own store.
func (m *Metrics) WatchJobs(rt *jobs.Runtime, _ store.Store) {
	l := []string{"consumer"}
	m.Registry.MustRegister(&jobsCollector{rt: rt,
		position:    prometheus.NewDesc("formloom_jobs_position", "Outbox sequence number the consumer has passed.", l, nil),
		lag:         prometheus.NewDesc("formloom_jobs_lag_events", "Outbox events after the consumer's position (counted up to 1000).", l, nil),
		lagSeconds:  prometheus.NewDesc("formloom_jobs_lag_seconds", "Age of the oldest outbox event the consumer has not passed; 0 when caught up.", l, nil),
		running:     prometheus.NewDesc("formloom_jobs_running", "1 if this process holds the consumer's lease.", l, nil),
		stored:      prometheus.NewDesc("formloom_jobs_dead_letters_stored", "Dead letters of the consumer waiting for an admin (all processes).", l, nil),
		handled:     prometheus.NewDesc("formloom_jobs_handled_total", "Events the consumer handled.", l, nil),
		failures:    prometheus.NewDesc("formloom_jobs_failures_total", "Failed handler attempts (panics included).", l, nil),
		deadLetters: prometheus.NewDesc("formloom_jobs_dead_letters_total", "Events that became dead letters.", l, nil),
		panics:      prometheus.NewDesc("formloom_jobs_panics_total", "Handler panics recovered.", l, nil),
		depth:       prometheus.NewDesc("formloom_jobs_queue_depth", "Items of the store queue, leased or not.", []string{"queue"}, nil),
		tasks: prometheus.NewDesc("formloom_jobs_tasks_total",
			"Runs of timers, one-off jobs and schedule ticks in this process, by outcome: ran, failed (panics included), dead_letter, panic, stale (re-planned or cancelled, dropped unrun).", []string{"outcome"}, nil),
		ticks:      prometheus.NewDesc("formloom_jobs_schedule_ticks_total", "Schedule ticks this process claimed, by outcome: fired or skipped (missed, under the skip policy).", []string{"outcome"}, nil),
		renewals:   prometheus.NewDesc("formloom_jobs_task_lease_renewals_total", "Lease renewals of running tasks.", nil, nil),
		taskStored: prometheus.NewDesc("formloom_jobs_task_dead_letters_stored", "Dead tasks waiting for an admin, all workspaces and processes (counted up to 1000).", nil, nil),
	})
	hist := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "formloom_jobs_handler_duration_seconds", Help: "Duration of handler calls by consumer and outcome (ok or error).",
		Buckets: []float64{.0001, .0005, .001, .005, .01, .05, .1, .5, 1, 5, 30},
	}, []string{"consumer", "outcome"})
	m.Registry.MustRegister(hist)
	rt.ObserveHandlers(func(consumer string, d time.Duration, err error) {
		outcome := "ok"
		if err != nil {
			outcome = "error"
		}
		hist.WithLabelValues(consumer, outcome).Observe(d.Seconds())
	})
}

// Describe sends the descriptors.
func (c *jobsCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.position, c.lag, c.lagSeconds, c.running, c.stored, c.handled, c.failures, c.deadLetters, c.panics, c.depth,
		c.tasks, c.ticks, c.renewals, c.taskStored} {
		ch <- d
	}
}

// Collect reads the runtime's consumers and queues.
func (c *jobsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	stats := c.rt.Stats()
	if cs, err := c.rt.Consumers(ctx); err == nil {
		for _, ci := range cs {
			ch <- prometheus.MustNewConstMetric(c.lag, prometheus.GaugeValue, float64(ci.LagEvents), ci.Name)
			ch <- prometheus.MustNewConstMetric(c.lagSeconds, prometheus.GaugeValue, ci.LagSeconds, ci.Name)
			ch <- prometheus.MustNewConstMetric(c.stored, prometheus.GaugeValue, float64(ci.DeadLetters), ci.Name)
		}
	}
	for name, s := range stats {
		ch <- prometheus.MustNewConstMetric(c.position, prometheus.GaugeValue, float64(s.Position), name)
		running := 0.0
		if s.Running {
			running = 1
		}
		ch <- prometheus.MustNewConstMetric(c.running, prometheus.GaugeValue, running, name)
		ch <- prometheus.MustNewConstMetric(c.handled, prometheus.CounterValue, float64(s.Handled), name)
		ch <- prometheus.MustNewConstMetric(c.failures, prometheus.CounterValue, float64(s.Failures), name)
		ch <- prometheus.MustNewConstMetric(c.deadLetters, prometheus.CounterValue, float64(s.DeadLetters), name)
		ch <- prometheus.MustNewConstMetric(c.panics, prometheus.CounterValue, float64(s.Panics), name)
	}
	if qs, err := c.rt.Queues(ctx); err == nil {
		for _, q := range qs {
			ch <- prometheus.MustNewConstMetric(c.depth, prometheus.GaugeValue, float64(q.Depth), q.Name)
		}
	}
	ts := c.rt.TimerStats()
	for outcome, v := range map[string]int64{"ran": ts.Ran, "failed": ts.Failures, "dead_letter": ts.DeadLetters, "panic": ts.Panics, "stale": ts.Stale} {
		ch <- prometheus.MustNewConstMetric(c.tasks, prometheus.CounterValue, float64(v), outcome)
	}
	ch <- prometheus.MustNewConstMetric(c.ticks, prometheus.CounterValue, float64(ts.Fired), "fired")
	ch <- prometheus.MustNewConstMetric(c.ticks, prometheus.CounterValue, float64(ts.Skipped), "skipped")
	ch <- prometheus.MustNewConstMetric(c.renewals, prometheus.CounterValue, float64(ts.Renewals))
	if dls, err := c.rt.TaskDeadLetters(ctx, "", store.MaxPageSize); err == nil {
		ch <- prometheus.MustNewConstMetric(c.taskStored, prometheus.GaugeValue, float64(len(dls)))
	}
}
