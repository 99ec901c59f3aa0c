package workflow_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/formloom/formloom/engine/i18n"
	"github.com/formloom/formloom/engine/workflow"
)

// TestEventsAreDocumented: docs/events.md lists every approval event type
// with its payload and version, and describes each payload.
func TestEventsAreDocumented(t *testing.T) {
	b, err := os.ReadFile("../../docs/events.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, info := range workflow.ApprovalEventTypes() {
		row := fmt.Sprintf("| `%s` |", info.Type)
		i := strings.Index(doc, row)
		if i < 0 {
			t.Errorf("docs/events.md has no row for %s", info.Type)
			continue
		}
		line := doc[i : i+strings.IndexByte(doc[i:], '\n')]
		if !strings.Contains(line, info.Payload) || !strings.Contains(line, fmt.Sprintf("| %d |", info.ApprovalPayloadVersion)) {
			t.Errorf("row of %s: %s", info.Type, line)
		}
		if !strings.Contains(doc, "### "+info.Payload) {
			t.Errorf("docs/events.md does not describe %s", info.Payload)
		}
	}
}

// TestCodesHaveMessages: every code the approval capability reports has
// a zh-CN and an en text.
func TestCodesHaveMessages(t *testing.T) {
	codes := []string{workflow.CodeNoStart, workflow.CodeManyStarts, workflow.CodeNoEnd, workflow.CodeUnreachable, workflow.CodeDeadEnd,
		workflow.CodeEdgesOut, workflow.CodeEdgeNode, workflow.CodeDuplicateID, workflow.CodeKind, workflow.CodeNoDefault,
		workflow.CodeNoCondition, workflow.CodeNoAssignees, workflow.CodeAssignee, workflow.CodeMode, workflow.CodeThreshold,
		workflow.CodeFieldPermission, workflow.CodeDue, workflow.CodeJoin, workflow.CodeCycle, workflow.CodeFallback,
		workflow.CodeNodeID, workflow.CodeAction, workflow.CodeFlowRunning, workflow.CodeNodeFieldReadOnly,
		"flow_start_on_create_taken", "flow_disabled", "flow_no_choice", "flow_fields_on_approve", "flow_signature",
		"flow_position", "flow_return_target", "flow_already_assignee", "flow_not_running", "flow_not_stopped", "flow_box",
		"flow_action_record", "flow_unpublished", "max_length", "max_items"}
	for _, c := range codes {
		if !i18n.Has(i18n.ZhCN, c) || !i18n.Has(i18n.En, c) {
			t.Errorf("code %s lacks a zh-CN or en text", c)
		}
	}
}
