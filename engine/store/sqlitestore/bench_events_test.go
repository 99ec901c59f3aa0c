package sqlitestore

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// BenchmarkReadEvents reads record.created events shaped like the
// engine's for the 12-field benchmark form (about 600 bytes of JSON),
// committed beforehand in units of 100, in batches of MaxReadEvents: what
// a consumer does. One op is one event. Raw reads them as the background
// runtime does (ReadRawEvents, then DecodePayload of each).
func BenchmarkReadEvents(b *testing.B) {
	b.Run("Decoded", func(b *testing.B) { benchReadEvents(b, false) })
	b.Run("Raw", func(b *testing.B) { benchReadEvents(b, true) })
}

func benchReadEvents(b *testing.B, raw bool) {
	s := openTest(b)
	ctx := context.Background()
	for i := 0; i < b.N; i += 100 {
		u := store.UnitOfWork{}
		for j := i; j < min(i+100, b.N); j++ {
			u.Events = append(u.Events, store.Event{Type: "record.created", Workspace: "01m8xz3pp8m32hddw2e0b3q97y", Collection: "r_01m8xz3ppj5snvk38rz8nqpxd0",
				DocID: fmt.Sprintf("01m8xz505gj27eaymx4e%06d", j), Payload: benchEventPayload(j)})
		}
		if _, err := s.Commit(ctx, u); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	cpu0 := processCPU()
	var after int64
	n := 0
	for n < b.N {
		var got int
		if raw {
			evs, err := s.ReadRawEvents(ctx, after, store.MaxReadEvents, true)
			if err != nil {
				b.Fatal(err)
			}
			for _, e := range evs {
				if _, err := e.DecodePayload(); err != nil {
					b.Fatal(err)
				}
			}
			if got = len(evs); got > 0 {
				after = evs[got-1].Seq
			}
		} else {
			evs, err := s.ReadEvents(ctx, after, store.MaxReadEvents)
			if err != nil {
				b.Fatal(err)
			}
			if got = len(evs); got > 0 {
				after = evs[got-1].Seq
			}
		}
		if got == 0 {
			b.Fatalf("read %d events; want %d", n, b.N)
		}
		n += got
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
}

// processCPU is the user and system CPU time of the process so far: the
// machine the benchmarks run on is shared, so wall time alone misleads.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func benchEventPayload(j int) map[string]any {
	regions := []string{"华东", "华南", "华北", "西南"}
	return map[string]any{"payload_version": 1, "form": "01m8xz3ppj5snvk38rz8nqpxd0", "app": "01m8xz3ppgc0c79xbkqqppqeg4",
		"record": fmt.Sprintf("01m8xz505gj27eaymx4e%06d", j), "version": 1, "form_version": 1, "source": "api", "actor": "01m8xz3pp8xvcmbs0a9rgsg4sm",
		"changed": []any{"amount", "close_date", "company", "contact", "email", "notes", "owner", "phone", "probability", "region", "source", "stage"},
		"data": map[string]any{"amount": float64(j*7919%100000) + 0.5, "close_date": "2026-12-31", "company": fmt.Sprintf("公司%d", j%997),
			"contact": "张三", "email": fmt.Sprintf("u%d@example.com", j), "notes": "follow up next week", "owner": fmt.Sprintf("o%d", j*31%50000),
			"phone": "13800138000", "probability": float64(j % 100), "region": regions[j%4], "source": "web", "stage": "qualified"}}
}
