package server

import "sync/atomic"

// Background states /readyz reports (Readiness.Background).
const (
	// BackgroundRunning: the background-work runtime runs in this process.
	BackgroundRunning = "running"
	// BackgroundStopped: it ran and stopped, so events wait for another process.
	BackgroundStopped = "stopped"
	// BackgroundOff: this process runs none on purpose (a read-only start).
	BackgroundOff = "off"
)

// Readiness is what the composition root tells /readyz beyond the store.
type Readiness struct {
	// Background is BackgroundRunning, BackgroundStopped or BackgroundOff.
	Background string
	// ReadOnly says the store was opened for inspection: writes are refused.
	ReadOnly bool
}

// drainFlag is set when the process begins to shut down: /readyz then
// answers 503 so a load balancer stops sending requests while the ones in
// flight finish.
type drainFlag struct{ on atomic.Bool }

// Drain makes /readyz answer 503 shutting_down from now on; call it when
// shutdown begins, before Shutdown (serve waits --drain-delay between the two).
func (s *Server) Drain() {
	s.drain.on.Store(true)
	s.drainLive()
}
