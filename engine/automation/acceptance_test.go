package automation

import (
	"testing"
)

// TestAcceptanceWonDealCreatesContract is issue 12's scenario: an admin
// designs "when 阶段 changes to 赢单, create a 合同 record from the deal and
// notify the owner", publishes it; a member moves a deal to 赢单; the
// contract and the notification appear; a dry run on another deal shows
// what would happen there.
func TestAcceptanceWonDealCreatesContract(t *testing.T) {
	each(t, func(t *testing.T, x *fx) {
		d := x.wonDesign()
		d.Actions = d.Actions[:2]
		res, err := x.s.CheckExpression(x.ctx, x.admin, x.deal, d.Condition, "condition", "zh-CN")
		if err != nil || res.Type != "boolean" || len(res.Diagnostics) != 0 {
			t.Fatalf("live check: %+v %v", res, err)
		}
		if res, _ := x.s.CheckExpression(x.ctx, x.admin, x.deal, `new.阶段 == "赢单"`, "condition", "zh-CN"); len(res.Diagnostics) == 0 {
			t.Fatal("the live check accepted an unknown field")
		}
		au := x.publish(x.deal, d)

		deal := x.create(x.alice, map[string]any{"title": "华为项目", "stage": "谈判", "amount": 880000})
		other := x.create(x.bob, map[string]any{"title": "小米项目", "stage": "初步接触", "amount": 1000})
		x.update(x.alice, deal.ID, map[string]any{"stage": "赢单"})
		x.settle()

		cs := x.records(x.contr)
		if len(cs) != 1 || cs[0].Data["title"] != "华为项目 合同" || cs[0].Data["deal"] != "华为项目" || cs[0].Data["amount"] != 880000.0 {
			t.Fatalf("contracts %+v", cs)
		}
		got := x.notes.to(x.alice.UserID)
		if len(got) != 1 || got[0].Title != "华为项目 已赢单" || got[0].Body != "金额 880000，阶段 谈判 → 赢单" || got[0].Record != deal.ID || got[0].Form != x.deal {
			t.Fatalf("owner's notifications %+v", got)
		}
		if len(x.notes.to(x.bob.UserID)) != 0 {
			t.Fatalf("bob was told: %+v", x.notes.to(x.bob.UserID))
		}
		rs := x.runs(au.ID)
		if len(rs) != 1 || rs[0].Status != RunSucceeded || rs[0].Record != deal.ID || rs[0].Actions[0].Detail["record"] != cs[0].ID {
			t.Fatalf("run log %+v", rs)
		}
		onRecord, err := x.s.RecordRuns(x.ctx, x.alice, x.deal, deal.ID, RunQuery{})
		if err != nil || len(onRecord.Items) != 1 {
			t.Fatalf("record page runs %+v %v", onRecord, err)
		}

		before := x.footprint()
		dry, err := x.s.DryRun(x.ctx, x.admin, au.ID, DryRunInput{Record: other.ID, New: map[string]any{"stage": "赢单"}})
		if err != nil {
			t.Fatal(describe(err))
		}
		if !dry.Matched || dry.Actions[0].Detail["values"].(map[string]any)["title"] != "小米项目 合同" || dry.Actions[1].Detail["title"] != "小米项目 已赢单" ||
			dry.Actions[1].Detail["recipients"].([]any)[0] != x.bob.UserID {
			t.Fatalf("dry run on the other deal %+v", dry)
		}
		if after := x.footprint(); !sameCounts(before, after) {
			t.Fatalf("the dry run wrote: %v → %v", before, after)
		}
	})
}
