// Command httpbench measures Formloom through HTTP with the workload of
// shared/bench: it builds and starts a real `formloom serve` (SQLite, a
// temporary data directory) as its own process, loads records through
// POST /records at concurrency 50 with a Bearer token, then measures get by
// id and the two list queries, and reads the server's resident memory and
// disk use. Traffic goes to loopback only; every phase is bounded in count or
// time.
//
//	go run ./scripts/bench/httpbench -records 100000
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/valyala/fasthttp"
)

func main() {
	records := flag.Int("records", 100000, "records to create")
	conc := flag.Int("c", 50, "concurrent clients")
	port := flag.Int("port", 18089, "loopback port of the server")
	readFor := flag.Duration("read", 10*time.Second, "duration of each read phase")
	keep := flag.String("keep", "", "after the run, stop the server and move its data directory here (for inspection, e.g. sqlite3 dbstat)")
	flag.Parse()
	log.SetFlags(0)

	tmp, err := os.MkdirTemp("", "formloom-httpbench-")
	check(err)
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "formloom")
	build := exec.Command("go", "build", "-o", bin, "./cmd/formloom")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	check(build.Run())

	dataDir := filepath.Join(tmp, "data")
	addr := fmt.Sprintf("127.0.0.1:%d", *port)
	srv := exec.Command(bin, "serve", "--data-dir", dataDir, "--listen", addr, "--open=false")
	srv.Env = append(os.Environ(), "FORMLOOM_LOG_LEVEL=warn")
	out, err := srv.StdoutPipe()
	check(err)
	srv.Stderr = os.Stderr
	check(srv.Start())
	defer func() {
		_ = srv.Process.Signal(syscall.SIGTERM)
		_ = srv.Wait()
	}()
	setupToken := waitForSetup(out)

	c := &client{hc: &fasthttp.HostClient{Addr: addr, MaxConns: *conc + 8, ReadTimeout: time.Minute, WriteTimeout: time.Minute}}
	var login struct{ Token string }
	c.must("POST", "/api/v1/setup", "", map[string]any{"token": setupToken, "email": "bench@example.com", "name": "Bench",
		"password": "amber quartz lantern 123", "workspace": map[string]any{"name": "Bench"}}, 201, &login)
	var tok struct{ Token string }
	c.must("POST", "/api/v1/tokens", login.Token, map[string]any{"name": "bench"}, 201, &tok)
	var app struct{ ID string }
	c.must("POST", "/api/v1/apps", login.Token, map[string]any{"name": "CRM"}, 201, &app)
	design := readDesign()
	var form struct {
		ID      string
		Version int64
	}
	c.must("POST", "/api/v1/apps/"+app.ID+"/forms", login.Token, map[string]any{"name": design.Name,
		"definition": map[string]any{"fields": design.Fields}}, 201, &form)
	c.must("POST", "/api/v1/forms/"+form.ID+"/publish", login.Token, map[string]any{"version": form.Version}, 201, nil)
	token, records_ := tok.Token, "/api/v1/forms/"+form.ID+"/records"

	// Load: 20% qualified (华东), 10% won (华南), 50% new (华北), 20% qualified, in that order.
	phases := []struct {
		share         float64
		stage, region string
	}{{0.2, "qualified", "华东"}, {0.1, "won", "华南"}, {0.5, "new", "华北"}, {0.2, "qualified", "华东"}}
	var created atomic.Int64
	var lat latencies
	start := time.Now()
	for _, ph := range phases {
		n := int(float64(*records) * ph.share)
		run(*conc, n, 0, &lat, func(i int) (string, string, []byte, int) {
			k := created.Add(1)
			body := fmt.Sprintf(`{"data":{"company":"公司%d","contact":"张三","email":"u%d@example.com","phone":"13800138000","amount":%d,"stage":%q,"owner":"o%d","region":%q,"source":"web","close_date":"2026-12-31","probability":30,"notes":"follow up next week"}}`,
				k, k, rand.IntN(100000), ph.stage, rand.IntN(100000), ph.region)
			return "POST", records_, []byte(body), 201
		}, c, token)
	}
	loadTime := time.Since(start)
	time.Sleep(2 * time.Second)
	rssLoad, anonLoad := rssMB(srv.Process.Pid)
	report("create", int(created.Load()), loadTime, &lat)

	ids := c.ids(token, form.ID, 20000)
	var getLat latencies
	n, d := run(*conc, 0, *readFor, &getLat, func(i int) (string, string, []byte, int) {
		return "GET", records_ + "/" + ids[rand.IntN(len(ids))], nil, 200
	}, c, token)
	report("get by id", n, d, &getLat)

	queries := []struct{ name, body string }{
		{"stage = won, sort amount desc, 20", `{"filter":{"field":"stage","op":"eq","value":"won"},"sort":[{"field":"amount","desc":true}],"limit":20}`},
		{"region = 华南 and amount > 50000, 20", `{"filter":{"and":[{"field":"region","op":"eq","value":"华南"},{"field":"amount","op":"gt","value":50000}]},"limit":20}`},
	}
	for _, q := range queries {
		for _, cc := range []int{1, *conc} {
			var ql latencies
			n, d := run(cc, 0, *readFor, &ql, func(int) (string, string, []byte, int) {
				return "POST", records_ + "/query", []byte(q.body), 200
			}, c, token)
			report(fmt.Sprintf("%s (c=%d)", q.name, cc), n, d, &ql)
		}
	}
	rssEnd, anonEnd := rssMB(srv.Process.Pid)
	fmt.Printf("resident memory after loading %d records: %.0f MB (%.0f MB anonymous, %.0f MB file-backed); after the reads: %.0f MB (%.0f MB anonymous, %.0f MB file-backed, of which %.0f MB distinct pages); data dir: %.0f MB\n",
		created.Load(), rssLoad, anonLoad, rssLoad-anonLoad, rssEnd, anonEnd, rssEnd-anonEnd, pssFileMB(srv.Process.Pid), duMB(dataDir))
	if *keep != "" {
		_ = srv.Process.Signal(syscall.SIGTERM)
		_ = srv.Wait()
		check(os.Rename(dataDir, *keep))
	}
}

// run sends requests from conc workers until n are done (n > 0) or for the duration.
func run(conc, n int, dur time.Duration, lat *latencies, next func(i int) (method, path string, body []byte, want int), c *client, token string) (int, time.Duration) {
	var i atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(dur)
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, res := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			defer fasthttp.ReleaseRequest(req)
			defer fasthttp.ReleaseResponse(res)
			for {
				k := int(i.Add(1))
				if (n > 0 && k > n) || (n == 0 && time.Now().After(deadline)) {
					return
				}
				method, path, body, want := next(k)
				req.Reset()
				req.Header.SetMethod(method)
				req.SetRequestURI("http://bench" + path)
				req.Header.Set("Authorization", "Bearer "+token)
				if body != nil {
					req.Header.SetContentType("application/json")
					req.SetBody(body)
				}
				t0 := time.Now()
				err := c.hc.Do(req, res)
				lat.add(time.Since(t0))
				if err != nil || res.StatusCode() != want {
					log.Fatalf("%s %s: %v %d %s", method, path, err, res.StatusCode(), res.Body())
				}
			}
		}()
	}
	wg.Wait()
	done := int(i.Load()) - conc
	if n > 0 {
		done = n
	}
	return done, time.Since(start)
}

type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

func (l *latencies) pct(p float64) time.Duration {
	slices.Sort(l.d)
	if len(l.d) == 0 {
		return 0
	}
	return l.d[min(len(l.d)-1, int(p*float64(len(l.d))))]
}

func report(name string, n int, d time.Duration, l *latencies) {
	fmt.Printf("| %s | %d | %.0f/s | %s | %s |\n", name, n, float64(n)/d.Seconds(),
		l.pct(0.50).Round(10*time.Microsecond), l.pct(0.99).Round(10*time.Microsecond))
}

type client struct{ hc *fasthttp.HostClient }

func (c *client) must(method, path, token string, body any, want int, out any) {
	req, res := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(res)
	req.Header.SetMethod(method)
	req.SetRequestURI("http://bench" + path)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		b, _ := json.Marshal(body)
		req.Header.SetContentType("application/json")
		req.SetBody(b)
	}
	if err := c.hc.Do(req, res); err != nil || res.StatusCode() != want {
		log.Fatalf("%s %s: %v %d %s", method, path, err, res.StatusCode(), res.Body())
	}
	if out != nil {
		check(json.Unmarshal(res.Body(), out))
	}
}

// ids pages through the records and returns up to max ids.
func (c *client) ids(token, form string, max int) []string {
	var ids []string
	cursor := ""
	for len(ids) < max {
		q := map[string]any{"limit": 1000}
		if cursor != "" {
			q["cursor"] = cursor
		}
		var page struct {
			Items      []struct{ ID string }
			NextCursor string
		}
		c.must("POST", "/api/v1/forms/"+form+"/records/query", token, q, 200, &page)
		for _, r := range page.Items {
			ids = append(ids, r.ID)
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	return ids
}

func waitForSetup(out interface{ Read([]byte) (int, error) }) string {
	re := regexp.MustCompile(`/setup\?token=(\S+)`)
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			go func() {
				for sc.Scan() {
				}
			}()
			return m[1]
		}
	}
	log.Fatal("the server printed no setup link")
	return ""
}

type design struct {
	Name   string           `json:"name"`
	Fields []map[string]any `json:"fields"`
}

func readDesign() design {
	for _, p := range []string{"../shared/bench/opportunity-form.json", "shared/bench/opportunity-form.json"} {
		b, err := os.ReadFile(p)
		if err == nil {
			var d design
			check(json.Unmarshal(b, &d))
			return d
		}
	}
	log.Fatal("shared/bench/opportunity-form.json not found (run from the repository root)")
	return design{}
}

// rssMB reads the resident memory of a process: in all, and the part that is
// anonymous (heap, stacks, SQLite's page caches) rather than mapped file pages.
func rssMB(pid int) (all, anon float64) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	check(err)
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.Atoi(f[1])
		switch f[0] {
		case "VmRSS:":
			all = float64(kb) / 1024
		case "RssAnon:":
			anon = float64(kb) / 1024
		}
	}
	return all, anon
}

// pssFileMB is the proportional share of the process's file-backed
// resident pages (smaps_rollup Pss_File): a page of the database that
// several read connections map counts once in all, where VmRSS counts it
// once per mapping.
func pssFileMB(pid int) float64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/smaps_rollup")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "Pss_File:" {
			kb, _ := strconv.Atoi(f[1])
			return float64(kb) / 1024
		}
	}
	return 0
}

func duMB(dir string) float64 {
	var total int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				total += info.Size()
			}
		}
		return nil
	})
	return float64(total) / (1 << 20)
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
