package report

import (
	"context"
	"encoding/json"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

// stageExtension is the key of a form's stage pipeline in its design's
// Extensions. The funnel reads only the pipeline's data (the stage field
// and each stage's value, flag and probability), documented with
// engine/workflow's Pipeline, so this package does not import it.
const stageExtension = "stages"

// Stage flags as the pipeline writes them.
const (
	flagWon  = "won"
	flagLost = "lost"
)

// stagePipeline is the part of a stage pipeline a funnel reads.
type stagePipeline struct {
	Field  string `json:"field"`
	Stages []struct {
		Value       string   `json:"value"`
		Probability *float64 `json:"probability,omitempty"`
		Flag        string   `json:"flag,omitempty"`
	} `json:"stages"`
}

// pipelineOf returns the form version's stage pipeline, or nil.
func pipelineOf(v *engine.Version) *stagePipeline {
	raw, ok := v.Def.Extensions[stageExtension]
	if !ok || len(raw) == 0 {
		return nil
	}
	var p stagePipeline
	if json.Unmarshal(raw, &p) != nil || p.Field == "" || len(p.Stages) == 0 {
		return nil
	}
	return &p
}

// FunnelData is a stage funnel: where records are, how far they got, how
// long they stay, how many are won.
type FunnelData struct {
	Field  string        `json:"field"`
	Stages []FunnelStage `json:"stages"`
	// Overall is the share of the records that reached the first stage
	// and were won (0 to 1).
	Overall *float64 `json:"overall,omitempty"`
	// WinRate is won / (won + lost) over closed records (0 to 1).
	WinRate *float64 `json:"winRate,omitempty"`
	// Weighted is the weighted pipeline: the amount of each open stage
	// times its probability / 100, added up.
	Weighted *float64 `json:"weighted,omitempty"`
	// AvgCycleMS is the average time from creation to the move into a won
	// stage, over CycleSample won records (the most recently updated).
	AvgCycleMS  *float64 `json:"avgCycleMs,omitempty"`
	CycleSample int      `json:"cycleSample"`
	// History tells whether the figures from stage history (lost records
	// placed at the stage they were lost from, time in stage, cycle) are
	// there: they need the right to read the records' history.
	History bool `json:"history"`
	// Sampled is set when the history figures come from the most recently
	// updated records only (see docs/dashboards.md).
	Sampled bool           `json:"sampled,omitempty"`
	Leaders []FunnelLeader `json:"leaders"`
}

// FunnelStage is one stage of a funnel.
type FunnelStage struct {
	Value       string   `json:"value"`
	Label       string   `json:"label"`
	Flag        string   `json:"flag"`
	Probability *float64 `json:"probability,omitempty"`
	// Count is the number of records now in the stage; Amount their sum.
	Count  int64    `json:"count"`
	Amount *float64 `json:"amount,omitempty"`
	// Reached counts the records that got at least this far: those now
	// here or in a later open stage, the won ones, and the lost ones lost
	// from here or later (open stages; a closed stage's Reached is its Count).
	Reached int64 `json:"reached"`
	// Conversion is Reached / the previous open stage's Reached (0 to 1);
	// for a won stage, over the last open stage's.
	Conversion *float64 `json:"conversion,omitempty"`
	// AvgDurationMS is the average time records stayed in the stage before
	// leaving it.
	AvgDurationMS *float64 `json:"avgDurationMs,omitempty"`
}

// FunnelLeader is one owner's line of the leaderboard.
type FunnelLeader struct {
	Owner     any      `json:"owner"`
	Label     string   `json:"label,omitempty"`
	Won       int64    `json:"won"`
	WonAmount float64  `json:"wonAmount"`
	Lost      int64    `json:"lost"`
	Open      int64    `json:"open"`
	Weighted  float64  `json:"weighted"`
	WinRate   *float64 `json:"winRate,omitempty"`
}

// maxLeaders bounds the leaderboard.
const maxLeaders = 20

// funnel computes a stage funnel chart. Counts, sums, the weighted
// pipeline, the win rate and the leaderboard come from the records the
// actor sees (engine.AggregateRecords); the figures that need stage
// history come from the transitions (see history).
func (s *Dashboards) funnel(ctx context.Context, a engine.Actor, sh *aggShare, c Chart, v *engine.Version, filter *store.Filter) (ChartData, error) {
	p := pipelineOf(v)
	if p == nil {
		return ChartData{}, invalidAt("form", CodeNoPipeline, nil)
	}
	cfg := funnelConfig(c)
	paths := map[string]string{"metrics[1].field": "funnel.amount", "groupBy[0].field": "funnel.owner"}
	stages, leaders := funnelAggregates(p, cfg, filter)
	res, err := s.aggregate(ctx, a, sh, c.Form, stages)
	if err != nil {
		return ChartData{}, renamePath(err, paths)
	}
	count, amount := map[string]int64{}, map[string]float64{}
	for _, g := range res.Groups {
		k, _ := g.Keys[0].(string)
		count[k] = int64(num(g.Values[0]))
		if len(g.Values) > 1 {
			amount[k] = num(g.Values[1])
		}
	}
	fd := &FunnelData{Field: p.Field, Leaders: []FunnelLeader{}}
	labels := map[string]string{}
	if f, ok := v.Field(p.Field); ok {
		for _, o := range f.Options {
			labels[o.Value] = o.Label
		}
	}
	var won, lost int64
	var weighted float64
	for _, st := range p.Stages {
		fs := FunnelStage{Value: st.Value, Label: labels[st.Value], Flag: st.Flag, Probability: st.Probability, Count: count[st.Value]}
		if fs.Flag == "" {
			fs.Flag = "open"
		}
		if cfg.Amount != "" {
			x := amount[st.Value]
			fs.Amount = &x
			if fs.Flag == "open" && st.Probability != nil {
				weighted += x * *st.Probability / 100
			}
		}
		switch fs.Flag {
		case flagWon:
			won += fs.Count
		case flagLost:
			lost += fs.Count
		}
		fd.Stages = append(fd.Stages, fs)
	}
	if cfg.Amount != "" {
		fd.Weighted = &weighted
	}
	if won+lost > 0 {
		r := float64(won) / float64(won+lost)
		fd.WinRate = &r
	}
	lostFrom, durations, err := s.history(ctx, a, c, p, filter, fd)
	if err != nil {
		return ChartData{}, err
	}
	// Lost records whose stage history does not place them at an open
	// stage (no history, or lost from elsewhere) count at the first one.
	unplaced, first := lost, -1
	for i, st := range fd.Stages {
		if st.Flag == "open" {
			unplaced -= lostFrom[st.Value]
			if first < 0 {
				first = i
			}
		}
	}
	if first >= 0 && unplaced > 0 {
		lostFrom[fd.Stages[first].Value] += unplaced
	}
	// Reached, from the last open stage back to the first.
	var later int64
	for i := len(fd.Stages) - 1; i >= 0; i-- {
		st := &fd.Stages[i]
		st.AvgDurationMS = durations[st.Value]
		if st.Flag != "open" {
			st.Reached = st.Count
			continue
		}
		later += st.Count + lostFrom[st.Value]
		st.Reached = later + won
	}
	var prev *FunnelStage
	for i := range fd.Stages {
		st := &fd.Stages[i]
		if st.Flag == flagWon && prev != nil && prev.Reached > 0 {
			r := float64(st.Reached) / float64(prev.Reached)
			st.Conversion = &r // the last open stage's records that were won
		}
		if st.Flag != "open" {
			continue
		}
		if prev != nil && prev.Reached > 0 {
			r := float64(st.Reached) / float64(prev.Reached)
			st.Conversion = &r
		}
		if prev == nil && st.Reached > 0 {
			r := float64(won) / float64(st.Reached)
			fd.Overall = &r
		}
		prev = st
	}
	if cfg.Owner != "" {
		if err := s.leaders(ctx, a, sh, c, v, p, leaders, fd); err != nil {
			return ChartData{}, renamePath(err, paths)
		}
	}
	return ChartData{Chart: c.ID, Kind: c.Kind, Form: c.Form, Keys: []ChartKey{}, Measures: []string{}, Rows: []ChartRow{}, Funnel: fd}, nil
}

// leaders fills the leaderboard: per owner, won, lost and open records,
// the won amount and the owner's weighted pipeline; best won amount first
// (won count without an amount field).
func (s *Dashboards) leaders(ctx context.Context, a engine.Actor, sh *aggShare, c Chart, v *engine.Version, p *stagePipeline, q engine.RecordAggregate, fd *FunnelData) error {
	cfg := funnelConfig(c)
	res, err := s.aggregate(ctx, a, sh, c.Form, q)
	if err != nil {
		return err
	}
	flag, prob := map[string]string{}, map[string]float64{}
	for _, st := range p.Stages {
		flag[st.Value] = st.Flag
		if st.Probability != nil {
			prob[st.Value] = *st.Probability
		}
	}
	byOwner := map[string]*FunnelLeader{}
	var order []string
	for _, g := range res.Groups {
		k := keyOf(g.Keys[:1])
		l, ok := byOwner[k]
		if !ok {
			l = &FunnelLeader{Owner: g.Keys[0]}
			byOwner[k] = l
			order = append(order, k)
		}
		stage, _ := g.Keys[1].(string)
		n, amt := int64(num(g.Values[0])), 0.0
		if len(g.Values) > 1 {
			amt = num(g.Values[1])
		}
		switch flag[stage] {
		case flagWon:
			l.Won += n
			l.WonAmount += amt
		case flagLost:
			l.Lost += n
		default:
			l.Open += n
			l.Weighted += amt * prob[stage] / 100
		}
	}
	for _, k := range order {
		l := byOwner[k]
		if l.Won+l.Lost > 0 {
			r := float64(l.Won) / float64(l.Won+l.Lost)
			l.WinRate = &r
		}
		fd.Leaders = append(fd.Leaders, *l)
	}
	sortLeaders(fd.Leaders)
	if len(fd.Leaders) > maxLeaders {
		fd.Leaders = fd.Leaders[:maxLeaders]
	}
	keys := []ChartKey{{Field: cfg.Owner}}
	rows := make([]ChartRow, len(fd.Leaders))
	for i, l := range fd.Leaders {
		rows[i] = ChartRow{Keys: []any{l.Owner}}
	}
	s.labelKeys(ctx, v, keys, rows)
	for i := range fd.Leaders {
		if id, ok := fd.Leaders[i].Owner.(string); ok {
			fd.Leaders[i].Label = keys[0].Labels[id]
		}
	}
	return nil
}

func funnelConfig(c Chart) FunnelConfig {
	if c.Funnel != nil {
		return *c.Funnel
	}
	return FunnelConfig{}
}

// funnelAggregates are a funnel's aggregates over records: count (and
// the amount's sum) by stage, and by owner and stage for the leaderboard
// (used when cfg.Owner is set).
func funnelAggregates(p *stagePipeline, cfg FunnelConfig, filter *store.Filter) (stages, leaders engine.RecordAggregate) {
	metrics := []store.Metric{{Op: store.AggCount}}
	if cfg.Amount != "" {
		metrics = append(metrics, store.Metric{Op: store.AggSum, Field: cfg.Amount})
	}
	stages = engine.RecordAggregate{Filter: filter, GroupBy: []store.GroupKey{{Field: p.Field}}, Metrics: metrics}
	leaders = engine.RecordAggregate{Filter: filter, GroupBy: []store.GroupKey{{Field: cfg.Owner}, {Field: p.Field}}, Metrics: metrics}
	return stages, leaders
}

// CodeNoPipeline: a funnel chart over a form without a stage pipeline.
const CodeNoPipeline = "report_no_pipeline"
