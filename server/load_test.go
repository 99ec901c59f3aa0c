package server_test

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestHTTPLoad measures record create, get by id and filtered lists through
// HTTP at concurrency 50 with a Bearer token on SQLite, with the workload of
// shared/bench. It runs only with FORMLOOM_HTTP_BENCH=<records> (for example
// 100000); docs/performance.md records its output.
func TestHTTPLoad(t *testing.T) {
	n := 0
	if v := os.Getenv("FORMLOOM_HTTP_BENCH"); v != "" {
		fmt.Sscan(v, &n)
	}
	if n <= 0 {
		t.Skip("set FORMLOOM_HTTP_BENCH=<records> to run the HTTP load test")
	}
	en := newEnv(t)
	form := en.publishedForm()
	token := en.do("POST", "/api/v1/tokens", en.admin, map[string]any{"name": "bench"}, nil).expect(201).str("token")
	en.client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, MaxConnsPerHost: 64}, Timeout: time.Minute}
	const conc = 50
	stages := []struct{ stage, region string }{{"qualified", "华东"}, {"won", "华南"}, {"new", "华北"}, {"qualified", "华东"}}
	var ids []string
	var idMu sync.Mutex
	create := func(i int) error {
		// 20% qualified (华东), 10% won (华南), 50% new (华北), 20% qualified, in insertion order.
		f := float64(i) / float64(n)
		st := stages[3]
		switch {
		case f < 0.2:
			st = stages[0]
		case f < 0.3:
			st = stages[1]
		case f < 0.8:
			st = stages[2]
		}
		body := fmt.Sprintf(`{"data":{"company":"公司%d","contact":"张三","email":"u%d@example.com","phone":"13800138000","amount":%d,"stage":%q,"owner":"o%d","region":%q,"source":"web","close_date":"2026-12-31","probability":30,"notes":"follow up next week"}}`,
			i, i, rand.IntN(100000), st.stage, rand.IntN(100000), st.region)
		res, raw, err := send(en, "POST", "/api/v1/forms/"+form+"/records", token, body)
		if err != nil || res != 201 {
			return fmt.Errorf("create: %d %v %s", res, err, raw)
		}
		if i%10 == 0 {
			idMu.Lock()
			ids = append(ids, string(raw[7:33]))
			idMu.Unlock()
		}
		return nil
	}
	report(t, "create", n, conc, create)
	report(t, "get by id", 20000, conc, func(i int) error {
		res, raw, err := send(en, "GET", "/api/v1/forms/"+form+"/records/"+ids[i%len(ids)], token, "")
		if err != nil || res != 200 {
			return fmt.Errorf("get: %d %v %s", res, err, raw)
		}
		return nil
	})
	report(t, "stage=won sort amount desc, 20", 5000, conc, func(i int) error {
		res, raw, err := send(en, "POST", "/api/v1/forms/"+form+"/records/query", token,
			`{"filter":{"field":"stage","op":"eq","value":"won"},"sort":[{"field":"amount","desc":true}],"limit":20}`)
		if err != nil || res != 200 {
			return fmt.Errorf("query: %d %v %s", res, err, raw)
		}
		return nil
	})
	report(t, "region=华南 and amount>50000, 20", 2000, conc, func(i int) error {
		res, raw, err := send(en, "POST", "/api/v1/forms/"+form+"/records/query", token,
			`{"filter":{"and":[{"field":"region","op":"eq","value":"华南"},{"field":"amount","op":"gt","value":50000}]},"limit":20}`)
		if err != nil || res != 200 {
			return fmt.Errorf("query: %d %v %s", res, err, raw)
		}
		return nil
	})
	report(t, "stage=won sort amount desc, 20 (serial)", 500, 1, func(i int) error {
		res, _, err := send(en, "POST", "/api/v1/forms/"+form+"/records/query", token,
			`{"filter":{"field":"stage","op":"eq","value":"won"},"sort":[{"field":"amount","desc":true}],"limit":20}`)
		if err != nil || res != 200 {
			return fmt.Errorf("query: %d %v", res, err)
		}
		return nil
	})
	runtime.GC()
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "VmRSS") || strings.HasPrefix(l, "VmHWM") {
				t.Logf("%s (server and load generator in one process)", strings.Join(strings.Fields(l), " "))
			}
		}
	}
}

func send(en *env, method, path, token, body string) (int, []byte, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, en.base+path, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := en.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	var b bytes.Buffer
	_, err = b.ReadFrom(res.Body)
	return res.StatusCode, b.Bytes(), err
}

// report runs total calls of fn on conc workers and logs throughput and latency percentiles.
func report(t *testing.T, name string, total, conc int, fn func(i int) error) {
	t.Helper()
	lat := make([]time.Duration, total)
	var next atomic.Int64
	var failed atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= total {
					return
				}
				s := time.Now()
				if err := fn(i); err != nil {
					failed.Store(err)
					return
				}
				lat[i] = time.Since(s)
			}
		}()
	}
	wg.Wait()
	el := time.Since(start)
	if err, ok := failed.Load().(error); ok {
		t.Fatalf("%s: %v", name, err)
	}
	sort.Slice(lat, func(a, b int) bool { return lat[a] < lat[b] })
	pct := func(p float64) time.Duration { return lat[int(float64(len(lat)-1)*p)] }
	t.Logf("%-42s n=%-6d c=%-2d %8.0f req/s  p50 %-9v p99 %v", name, total, conc, float64(total)/el.Seconds(),
		pct(0.5).Round(10*time.Microsecond), pct(0.99).Round(10*time.Microsecond))
}
