package automation

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

// ownRecordsOnly replaces a form's permission sets with "manage own" for
// everyone and "view all" for the given members (a manager).
func (x *fx) ownRecordsOnly(form string, viewAll ...engine.Actor) {
	x.t.Helper()
	fp, err := x.e.FormPermissions(x.ctx, x.admin, form)
	if err != nil {
		x.t.Fatal(err)
	}
	own, _ := engine.PresetSet(engine.PresetManageOwn)
	own.Name, own.Grants = "自己的", []engine.Grant{{Kind: engine.GrantEveryone}}
	if fp, _, err = x.e.SavePermissionSet(x.ctx, x.admin, form, own, fp.Version); err != nil {
		x.t.Fatal(describe(err))
	}
	all, _ := engine.PresetSet(engine.PresetViewAll)
	all.Name = "全部"
	for _, m := range viewAll {
		all.Grants = append(all.Grants, engine.Grant{Kind: engine.GrantMember, ID: m.UserID})
	}
	if fp, _, err = x.e.SavePermissionSet(x.ctx, x.admin, form, all, fp.Version); err != nil {
		x.t.Fatal(describe(err))
	}
	for _, s := range fp.Sets {
		if s.Name != own.Name && s.Name != all.Name {
			if fp, err = x.e.DeletePermissionSet(x.ctx, x.admin, form, s.ID, fp.Version); err != nil {
				x.t.Fatal(describe(err))
			}
		}
	}
}

// TestAlertStatisticsMatchBruteForce: alert statistics and the weekly
// counts of each member equal a brute force over every stored alert that
// Service.Alert shows them: the admin (designer) counts all, a manager who
// may read every deal counts the deals' alerts but not the record-less
// ones, a rep counts only the alerts of their own deals (this was the bug:
// the weekly counts were only for designers, so a manager saw none).
func TestAlertStatisticsMatchBruteForce(t *testing.T) {
	each(t, func(t *testing.T, x *fx) {
		manager := x.member("Maggie")
		x.ownRecordsOnly(x.deal, manager)
		big := x.publish(x.deal, Design{Name: "大单", Trigger: Trigger{Type: TriggerUpdated}, Condition: "new.amount > 1000",
			Actions: []Action{{Kind: KindAlert, Config: map[string]any{"severity": "critical", "title": "大单 {{title}}"}}}})
		any10 := x.publish(x.deal, Design{Name: "有金额", Trigger: Trigger{Type: TriggerUpdated}, Condition: "new.amount > 10",
			Actions: []Action{{Kind: KindAlert, Config: map[string]any{"severity": "warning", "title": "{{title}}"}}}})
		daily := x.publish(x.deal, Design{Name: "每日", Trigger: Trigger{Type: TriggerSchedule, Cron: "0 10 * * *"},
			Actions: []Action{{Kind: KindAlert, Config: map[string]any{"severity": "info", "title": "每日检查"}}}})
		// Three weeks of alerts by two reps; some resolve and raise again.
		for week := 0; week < 3; week++ {
			for i, rep := range []engine.Actor{x.alice, x.bob, x.alice} {
				r := x.create(rep, map[string]any{"title": fmt.Sprintf("w%d-%d", week, i), "amount": 1})
				x.update(rep, r.ID, map[string]any{"amount": float64(500 + 1000*i)})
				if i == 2 {
					x.update(rep, r.ID, map[string]any{"amount": 1})
					x.update(rep, r.ID, map[string]any{"amount": 5000})
				}
			}
			x.settle()
			x.advance(7 * 24 * time.Hour)
			x.waitFor("the daily alert", func() bool { return len(x.alerts(AlertQuery{Rule: daily.ID})) > week })
			open := x.alerts(AlertQuery{Rule: daily.ID, State: AlertOpen})
			for _, al := range open {
				if _, err := x.s.Resolve(x.ctx, x.admin, al.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		x.settle()
		all, err := x.st.Find(x.ctx, collAlerts, store.Query{Limit: store.MaxPageSize})
		if err != nil {
			t.Fatal(err)
		}
		if len(all.Docs) < 15 {
			t.Fatalf("only %d alerts raised", len(all.Docs))
		}
		loc, _ := time.LoadLocation("Asia/Shanghai")
		group := []store.GroupKey{{Field: "rule"}, {Field: "raisedAt", Bucket: store.BucketWeek}, {Field: "severity"}, {Field: "owner"}}
		brute := func(a engine.Actor) (map[string]float64, int) {
			out, n := map[string]float64{}, 0
			for _, d := range all.Docs {
				al, err := x.s.Alert(x.ctx, a, d.ID)
				if err != nil {
					continue
				}
				owner := any(nil)
				if al.Owner != "" {
					owner = al.Owner
				}
				out[fmt.Sprint(al.Rule, "|", store.BucketKey(al.RaisedAt.In(loc), store.BucketWeek), "|", al.Severity, "|", owner)]++
				n++
			}
			return out, n
		}
		seen := map[string]int{}
		for _, who := range []struct {
			name string
			a    engine.Actor
		}{{"admin", x.admin}, {"manager", manager}, {"alice", x.alice}, {"bob", x.bob}} {
			want, n := brute(who.a)
			seen[who.name] = n
			st, err := x.s.AlertStatistics(x.ctx, who.a, AlertStatsQuery{GroupBy: group})
			if err != nil {
				t.Fatal(describe(err))
			}
			got := map[string]float64{}
			for _, g := range st.Groups {
				got[fmt.Sprint(g.Keys[0], "|", g.Keys[1], "|", g.Keys[2], "|", g.Keys[3])] += g.Values[0].(float64)
			}
			if !mapsEqual(got, want) {
				t.Errorf("%s: statistics %v, brute force %v", who.name, got, want)
			}
			if len(want) > 0 && st.Labels["rule"][big.ID] == "" && st.Labels["rule"][any10.ID] == "" {
				t.Errorf("%s: no rule labels %v", who.name, st.Labels)
			}
			counts, err := x.s.AlertCounts(x.ctx, who.a, t0.Add(-24*time.Hour), x.clock.Now().Add(time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			total := 0
			for _, c := range counts {
				total += c.Raised
			}
			if total != n {
				t.Errorf("%s: weekly counts add up to %d, brute force %d (%+v)", who.name, total, n, counts)
			}
		}
		if !(seen["admin"] > seen["manager"] && seen["manager"] == seen["alice"]+seen["bob"] && seen["alice"] > seen["bob"] && seen["bob"] > 0) {
			t.Fatalf("visibility not exercised: %v", seen)
		}
		// A filter over the keys, a form list, and bad input.
		crit := store.And(store.Where("severity", store.OpEq, "critical"), store.Where("raisedAt", store.OpGte, store.FormatTime(t0.Add(7*24*time.Hour))))
		st, err := x.s.AlertStatistics(x.ctx, manager, AlertStatsQuery{Forms: []string{x.deal}, Filter: &crit})
		if err != nil {
			t.Fatal(describe(err))
		}
		want := 0
		for _, d := range all.Docs {
			al, _ := alertFrom(d)
			if al.Severity == SeverityCritical && !al.RaisedAt.Before(t0.Add(7*24*time.Hour)) {
				want++
			}
		}
		if len(st.Groups) != 1 || st.Groups[0].Values[0] != float64(want) {
			t.Fatalf("filtered %+v, want %d", st.Groups, want)
		}
		if st, _ := x.s.AlertStatistics(x.ctx, x.admin, AlertStatsQuery{Forms: []string{x.contr}}); len(st.Groups) != 0 {
			t.Fatalf("another form's alerts counted: %+v", st.Groups)
		}
		for _, bad := range []AlertStatsQuery{
			{GroupBy: []store.GroupKey{{Field: "title"}}},
			{GroupBy: []store.GroupKey{{Field: "rule", Bucket: store.BucketWeek}}},
			{Filter: &store.Filter{Field: "open_key", Op: store.OpExists, Value: true}},
		} {
			if _, err := x.s.AlertStatistics(x.ctx, x.admin, bad); err == nil || !strings.Contains(describe(err), "unknown_field") && !strings.Contains(describe(err), "option") {
				t.Errorf("%+v: %v", bad, describe(err))
			}
		}
	})
}

func mapsEqual(a, b map[string]float64) bool {
	if len(a) != len(b) {
		return false
	}
	ka := make([]string, 0, len(a))
	for k := range a {
		ka = append(ka, k)
	}
	sort.Strings(ka)
	for _, k := range ka {
		if b[k] != a[k] {
			return false
		}
	}
	return !slices.Contains(ka, "")
}
