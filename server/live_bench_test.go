package server_test

import (
	"fmt"
	"testing"

	"github.com/formloom/formloom/engine/live"
)

// BenchmarkLiveSSE100 is the fan-out end to end over real HTTP: 100 open
// Server-Sent Events streams (10 members with 10 tabs each, on a form
// everyone may see), and per operation one record created through the API
// and read by all 100 streams; "none" is the same create before any stream
// is open (the difference is the cost of the fan-out and the 100 writes).
// The fan-out alone is engine/live's BenchmarkFanOut100 (docs/performance.md).
func BenchmarkLiveSSE100(b *testing.B) {
	st := openSQLite(b, b.TempDir())
	b.Cleanup(func() { st.Close() })
	en, _ := startLive(b, st, live.Options{MaxPerMember: 10})
	form := en.publishedForm()
	run := func(b *testing.B, streams []*sseStream) {
		for i := range b.N {
			id := en.createCompany(b, en.admin, form, fmt.Sprint("公司", i))
			for _, s := range streams {
				if m := s.event(); m.data["recordId"] != id {
					b.Fatalf("stream got %v, want %s", m.data, id)
				}
			}
		}
	}
	b.Run("none", func(b *testing.B) { run(b, nil) })
	var streams []*sseStream
	for m := range 10 {
		tok := en.addMember(fmt.Sprintf("viewer%d@example.com", m))
		for range 10 {
			streams = append(streams, en.openLive(b, tok, false, "forms="+form, 0))
		}
	}
	b.Run("viewers=100", func(b *testing.B) { run(b, streams) })
}
