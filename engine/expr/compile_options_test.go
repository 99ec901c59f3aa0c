package expr

import (
	"errors"
	"strings"
	"testing"

	"github.com/formloom/formloom/engine/i18n"
)

func optionEnv() Env {
	env := testEnv()
	env.Fields["tags"] = ListOf(Text)
	env.Options = map[string][]Option{
		"stage": {{Value: "option_1", Label: "线索"}, {Value: "option_5", Label: "赢单"}},
		"tags":  {{Value: "vip", Label: "重要客户"}, {Value: "bj", Label: "北京"}},
	}
	return env
}

func TestSelectLiteralsMustBeOptionValues(t *testing.T) {
	tests := []struct {
		src        string
		key        string // empty: compiles
		suggestion string
		column     int
	}{
		{`IF(stage == "option_5", 1, 0)`, "", "", 0},
		{`IF(stage == "赢单", 1, 0)`, KeyOptionLabel, `stage == "option_5"`, 13},
		{`stage != "赢单"`, KeyOptionLabel, `stage != "option_5"`, 10},
		{`"赢单" == stage`, KeyOptionLabel, `stage == "option_5"`, 1},
		{`new.stage == "赢单"`, KeyOptionLabel, `new.stage == "option_5"`, 14},
		{`old.stage == "线索"`, KeyOptionLabel, `old.stage == "option_1"`, 14},
		{`stage == "won"`, KeyNotOption, "", 10},
		{`stage in ["option_1", "赢单"]`, KeyOptionLabel, `stage == "option_5"`, 23},
		{`stage in ["option_1", "option_5"]`, "", "", 0},
		{`"北京" in tags`, KeyOptionLabel, `"bj" in tags`, 1},
		{`"bj" in tags`, "", "", 0},
		{`CONTAINS(tags, "重要客户")`, KeyOptionLabel, `CONTAINS(tags, "vip")`, 16},
		{`CONTAINS(tags, "vip")`, "", "", 0},
		{`stage == name`, "", "", 0},      // not a literal: no check
		{`stage == nil`, "", "", 0},       // empty test stays allowed
		{`name == "赢单"`, "", "", 0},       // a text field, not a select
		{`stage contains "赢"`, "", "", 0}, // substring search on the value text
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			_, err := Compile(tt.src, optionEnv(), Any)
			if tt.key == "" {
				if err != nil {
					t.Fatalf("Compile(%q) = %v", tt.src, err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Compile(%q) = %v, want a diagnostic", tt.src, err)
			}
			d := e.Diagnostics[0]
			if d.Key != tt.key || d.Column != tt.column || d.Line != 1 {
				t.Fatalf("Compile(%q) = %s 1:%d %q, want %s at 1:%d", tt.src, d.Key, d.Column, d.Message, tt.key, tt.column)
			}
			if tt.suggestion != "" && d.Params["suggestion"] != tt.suggestion {
				t.Errorf("suggestion = %v, want %s", d.Params["suggestion"], tt.suggestion)
			}
			zh := d.Localize(i18n.ZhCN).Message
			if tt.suggestion != "" && (!strings.Contains(zh, tt.suggestion) || !strings.Contains(d.Message, tt.suggestion)) {
				t.Errorf("messages lack the suggestion: %q / %q", zh, d.Message)
			}
		})
	}
	// The refused literal would never have matched: the stored value is
	// the option value.
	p, err := Compile(`IF(stage == "option_5", 1, 0)`, optionEnv(), Any)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := p.Run(Input{New: map[string]any{"stage": "option_5"}}); got != 1.0 {
		t.Errorf("IF(stage == \"option_5\") on option_5 = %v, want 1", got)
	}
}

func TestProgramReads(t *testing.T) {
	env := testEnv()
	env.Fields["address"] = ObjectOf(map[string]Type{"city": Text, "street": Text})
	env.Fields["city"] = Text
	tests := []struct {
		src  string
		want string
	}{
		{`address.city`, "address"},
		{`address?.city ?? ""`, "address"},
		{`city + address.street`, "address city"},
		{`new.amount * 2 + old.probability`, "amount"},
		{`changed("stage")`, "stage"},
		{`SUM(map(items, .qty * .price))`, "items"},
		{`let city2 = name; city2 + "x"`, "name"},
		{`"amount" + "city"`, ""},
		{`user.name + TEXT(now, "YYYY")`, ""},
	}
	for _, tt := range tests {
		p, err := Compile(tt.src, env, Any)
		if err != nil {
			t.Fatalf("Compile(%q): %v", tt.src, err)
		}
		if got := strings.Join(p.Reads(), " "); got != tt.want {
			t.Errorf("Reads(%q) = %q, want %q", tt.src, got, tt.want)
		}
	}
}

func TestSharedBudget(t *testing.T) {
	cheap, err := Compile(`amount * 2`, testEnv(), Any)
	if err != nil {
		t.Fatal(err)
	}
	walk, err := Compile(`SUM(map(1..2000, # * 2))`, testEnv(), Any)
	if err != nil {
		t.Fatal(err)
	}
	// Each run charges at least its static cost.
	b := NewBudget(0)
	in := testInput()
	in.Budget = b
	if _, err := cheap.Run(in); err != nil {
		t.Fatal(err)
	}
	if b.Used() != cheap.Cost() || cheap.Cost() < 3 {
		t.Fatalf("one cheap run used %d, cost %d", b.Used(), cheap.Cost())
	}
	// A walk charges what it walks, to its own limit and to the budget.
	before := b.Used()
	if _, err := walk.Run(in); err != nil {
		t.Fatal(err)
	}
	if spent := b.Used() - before; spent < 4000 {
		t.Fatalf("a 2000-element map and sum charged %d", spent)
	}
	// Every program is within its own limit, yet runs sharing a budget
	// are refused once it is spent, and stay refused.
	b = NewBudget(20_000)
	in.Budget = b
	runs := 0
	for ; runs < 100; runs++ {
		if _, err := walk.Run(in); err != nil {
			if !errors.Is(err, ErrWriteBudget) || !errors.Is(err, ErrLimit) {
				t.Fatalf("err = %v, want ErrWriteBudget", err)
			}
			break
		}
	}
	if runs == 0 || runs >= 10 || !b.Exceeded() {
		t.Fatalf("refused after %d runs, exceeded %v", runs, b.Exceeded())
	}
	if _, err := cheap.Run(in); !errors.Is(err, ErrWriteBudget) {
		t.Fatalf("a cheap run after the budget is spent: %v", err)
	}
	// Without a budget the same runs go on.
	in.Budget = nil
	for range 20 {
		if _, err := walk.Run(in); err != nil {
			t.Fatal(err)
		}
	}
}
