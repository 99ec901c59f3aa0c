package mongostore

import (
	"context"
	"fmt"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// serverClockRefresh is how often the server's time is sampled again.
const serverClockRefresh = time.Minute

// serverClock reads the MongoDB server's time without a round trip per
// reading: it samples the server's clock (hello.localTime) and adds the
// time elapsed since on this machine's monotonic clock, so a step of the
// local wall clock (NTP, a wrong setting) does not move it. Every process
// on one server thus agrees on "now" within half a round trip plus the
// server's millisecond resolution, which is what makes leases safe when
// the processes' own clocks disagree.
type serverClock struct {
	mu   sync.Mutex
	base time.Time // the server's time at the sample
	at   time.Time // the local time of the sample, with its monotonic reading
}

// Now returns the server's time as last sampled plus the monotonic time elapsed.
func (c *serverClock) Now() time.Time {
	c.mu.Lock()
	base, at := c.base, c.at
	c.mu.Unlock()
	return base.Add(time.Since(at))
}

// sample asks the server for its time.
func (s *Store) sampleServerClock(ctx context.Context) error {
	var hello struct {
		LocalTime time.Time `bson:"localTime"`
	}
	start := time.Now()
	if err := s.db.RunCommand(ctx, bson.D{{Key: "hello", Value: 1}}).Decode(&hello); err != nil {
		return fmt.Errorf("mongostore: server time: %s", err.Error())
	}
	end := time.Now()
	if hello.LocalTime.IsZero() {
		return fmt.Errorf("mongostore: server time: hello has no localTime")
	}
	c := s.srvClock
	c.mu.Lock()
	c.base = hello.LocalTime.Add(end.Sub(start) / 2)
	c.at = end
	c.mu.Unlock()
	return nil
}

// refreshServerClock samples the server's time every serverClockRefresh
// until the store closes, to follow a drift between the two machines.
func (s *Store) refreshServerClock() {
	t := time.NewTicker(serverClockRefresh)
	defer t.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			if err := s.sampleServerClock(ctx); err != nil {
				s.log.Warn("could not sample the server's time; keeping the last sample", "error", err)
			}
			cancel()
		}
	}
}

// now returns the store's time in the stored precision: the injected
// clock's, or the server's.
func (s *Store) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }
