package server

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/formloom/formloom/engine/store"
)

// Metrics holds the Prometheus collectors of one server: requests by route
// template, store operation latencies, and the outbox head.
type Metrics struct {
	// Registry is what GET /metrics exposes.
	Registry *prometheus.Registry

	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	storeOps *prometheus.HistogramVec
	storeErr *prometheus.CounterVec

	outboxOnce sync.Once
}

// NewMetrics makes a registry with the Go runtime and process collectors and
// Formloom's own metrics.
func NewMetrics() *Metrics {
	m := &Metrics{Registry: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "formloom_http_requests_total", Help: "HTTP requests by method, route template and status code.",
	}, []string{"method", "route", "status"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "formloom_http_request_duration_seconds", Help: "HTTP request latency by method and route template.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"method", "route"})
	m.storeOps = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "formloom_store_operation_duration_seconds", Help: "Store operation latency by operation.",
		Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1},
	}, []string{"op"})
	m.storeErr = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "formloom_store_operation_errors_total", Help: "Store operations that returned an error, by operation.",
	}, []string{"op"})
	m.Registry.MustRegister(m.requests, m.latency, m.storeOps, m.storeErr,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *Metrics) observeRequest(method, route string, status int, d time.Duration) {
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(method, route).Observe(d.Seconds())
}

// watchOutbox registers a gauge of the newest outbox sequence number. It
// reads forward from the last position it saw, so a scrape costs one small
// read once it has caught up. Consumers (webhooks, automations) will export
// their own positions; the difference is the outbox depth.
func (m *Metrics) watchOutbox(st store.Store) {
	m.outboxOnce.Do(func() {
		var mu sync.Mutex
		var head int64
		m.Registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "formloom_outbox_head_sequence", Help: "Sequence number of the newest outbox event.",
		}, func() float64 {
			mu.Lock()
			defer mu.Unlock()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			for range 20 {
				evs, err := st.ReadEvents(ctx, head, 1000)
				if err != nil || len(evs) == 0 {
					break
				}
				head = evs[len(evs)-1].Seq
				if len(evs) < 1000 {
					break
				}
			}
			return float64(head)
		}))
	})
}
