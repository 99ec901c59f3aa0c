package workflow

import (
	"context"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
)

// CodeNodeFieldReadOnly: an assignee changed a field their node does not
// let them edit.
const CodeNodeFieldReadOnly = "node_field_read_only"

type nodeKey struct{}

// nodeWrite is what the RecordWriting hook enforces for an assignee's edit.
type nodeWrite struct {
	instance string
	node     *Node
}

// editRecord writes an assignee's edits of the record through the one
// write pipeline, as the assignee with source workflow; the hook bound by
// Bind enforces the node's field permissions inside the write.
func (s *Approvals) editRecord(ctx context.Context, a engine.Actor, in *Instance, n *Node, t *Task, fields map[string]any) error {
	rec, err := s.e.Record(ctx, systemActor(in.Workspace), in.Form, in.Record)
	if err != nil {
		return err
	}
	a.Source = engine.SourceWorkflow
	wctx := context.WithValue(ctx, nodeKey{}, &nodeWrite{instance: in.ID, node: n})
	_, err = s.e.UpdateRecord(wctx, a, in.Form, in.Record, fields, rec.Version,
		engine.WriteOptions{Chain: &engine.Chain{ID: t.ID, Depth: 1, Origins: []string{"flow:" + in.Flow}}})
	return err
}

// checkRequired refuses an approval while a field the node requires is
// empty in the record (after the assignee's edits).
func (s *Approvals) checkRequired(ctx context.Context, in *Instance, n *Node) error {
	rec, err := s.e.Record(ctx, systemActor(in.Workspace), in.Form, in.Record)
	if err != nil {
		return err
	}
	var errs []field.Error
	for _, k := range n.Required {
		if v, ok := rec.Data[k]; !ok || v == nil || v == "" {
			errs = append(errs, flowErr("fields."+k, engine.CodeRequired, nil))
		} else if l, ok := v.([]any); ok && len(l) == 0 {
			errs = append(errs, flowErr("fields."+k, engine.CodeRequired, nil))
		}
	}
	if len(errs) > 0 {
		return invalidFlow(errs...)
	}
	return nil
}

// Bind binds the workflow's RecordWriting handler: a write an assignee
// makes through a task may change only the fields their node lets them
// edit (a per-field error node_field_read_only otherwise). It also
// declares the event variables automations see for the approval events.
func (s *Approvals) Bind() {
	registerApprovalVariables(s.e)
	s.e.OnRecordWriting().BindFunc(func(ev *engine.RecordWritingEvent) error {
		nw, _ := ev.Context.Value(nodeKey{}).(*nodeWrite)
		if nw == nil || ev.Actor.Source != engine.SourceWorkflow {
			return ev.Next()
		}
		var errs []field.Error
		for _, k := range ev.Changed {
			if f, ok := ev.Version.Field(k); ok && computedTypes[f.Type] {
				continue // follows from the edited fields
			}
			if nw.node.fieldAccess(k) != FieldEdit {
				errs = append(errs, flowErr(k, CodeNodeFieldReadOnly, nil))
			}
		}
		if len(errs) > 0 {
			return engine.VetoFields(errs...)
		}
		return ev.Next()
	})
}

// computed are the field types whose values the pipeline derives.
var computedTypes = map[string]bool{"formula": true, "lookup": true, "serial": true}

// mask removes from data the fields node n hides.
func maskHidden(n *Node, data map[string]any) map[string]any {
	out := make(map[string]any, len(data))
	for k, v := range data {
		if n == nil || n.fieldAccess(k) != FieldHidden {
			out[k] = v
		}
	}
	return out
}
