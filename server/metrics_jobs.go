package server

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/formloom/formloom/engine/jobs"
	"github.com/formloom/formloom/engine/store"
)

// jobsCollector exports the background-work runtime's counters per consumer.
type jobsCollector struct {
	rt *jobs.Runtime
	st store.Store

	position, lag, running                 *prometheus.Desc
	handled, failures, deadLetters, panics *prometheus.Desc
}

// WatchJobs registers the metrics of rt's consumers: position, lag in
// events (counted up to store.MaxReadEvents), whether this process runs the
// consumer, and counters of handled events, failures, dead letters and panics.
func (m *Metrics) WatchJobs(rt *jobs.Runtime, st store.Store) {
	l := []string{"consumer"}
	m.Registry.MustRegister(&jobsCollector{rt: rt, st: st,
		position:    prometheus.NewDesc("formloom_jobs_position", "Outbox sequence number the consumer has passed.", l, nil),
		lag:         prometheus.NewDesc("formloom_jobs_lag_events", "Outbox events after the consumer's position (counted up to 1000).", l, nil),
		running:     prometheus.NewDesc("formloom_jobs_running", "1 if this process holds the consumer's lease.", l, nil),
		handled:     prometheus.NewDesc("formloom_jobs_handled_total", "Events the consumer handled.", l, nil),
		failures:    prometheus.NewDesc("formloom_jobs_failures_total", "Failed handler attempts (panics included).", l, nil),
		deadLetters: prometheus.NewDesc("formloom_jobs_dead_letters_total", "Events that became dead letters.", l, nil),
		panics:      prometheus.NewDesc("formloom_jobs_panics_total", "Handler panics recovered.", l, nil),
	})
}

// Describe sends the descriptors.
func (c *jobsCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.position, c.lag, c.running, c.handled, c.failures, c.deadLetters, c.panics} {
		ch <- d
	}
}

// Collect reads the runtime's counters and each consumer's lag.
func (c *jobsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	for name, s := range c.rt.Stats() {
		ch <- prometheus.MustNewConstMetric(c.position, prometheus.GaugeValue, float64(s.Position), name)
		if evs, err := c.st.ReadEvents(ctx, s.Position, store.MaxReadEvents); err == nil {
			ch <- prometheus.MustNewConstMetric(c.lag, prometheus.GaugeValue, float64(len(evs)), name)
		}
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
}
