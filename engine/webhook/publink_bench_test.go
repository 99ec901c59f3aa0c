package webhook

import (
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/formloom/formloom/engine"
)

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkPublicSubmit is one public-link submission on SQLite (the token
// found by its hash, the rate checks, the link's actor, the record through
// the write pipeline, the submission count), next to the same record
// created directly (direct), so the difference is the public path's cost.
func BenchmarkPublicSubmit(b *testing.B) {
	fx := newRealFixture(b, func(o *Options) { o.InboundRate = 1 << 30 })
	on := true
	l, err := fx.s.SavePublicLink(fx.ctx, fx.admin, fx.form, PublicLinkInput{Fields: []string{"company", "amount", "phone"}, PerIPHour: MaxPublicPerIP, Enabled: &on}, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("public", func(b *testing.B) {
		cpu0, i := processCPU(), 0
		for b.Loop() {
			i++
			if _, err := fx.s.SubmitPublic(fx.ctx, l.Token, "198.51.100."+strconv.Itoa(i%250)+"."+strconv.Itoa(i/250), map[string]any{"company": "华星科技", "amount": 100, "phone": "13800138000"}, ""); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
	})
	b.Run("direct", func(b *testing.B) {
		cpu0 := processCPU()
		a := fx.admin
		a.Source = engine.SourceAPI
		for b.Loop() {
			if _, err := fx.e.CreateRecord(fx.ctx, a, fx.form, map[string]any{"company": "华星科技", "amount": 100, "phone": "13800138000"}, engine.WriteOptions{}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
	})
}
