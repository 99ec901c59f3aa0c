package engine_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/formloom/formloom/engine/tabular"
	"io"
	"log/slog"
	"os"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/blob"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/store/mongostore"
	"github.com/formloom/formloom/engine/store/sqlitestore"
	"github.com/formloom/formloom/internal/ferrettest"
)

// recordingStore is a real store that remembers every unit of work it
// committed, so a test sees which calls wrote and what events they carried.
type recordingStore struct {
	store.Store
	mu    sync.Mutex
	units []store.UnitOfWork
}

func (r *recordingStore) Commit(ctx context.Context, u store.UnitOfWork) (store.CommitResult, error) {
	res, err := r.Store.Commit(ctx, u)
	if err == nil {
		r.mu.Lock()
		r.units = append(r.units, u)
		r.mu.Unlock()
	}
	return res, err
}

func (r *recordingStore) take() []store.UnitOfWork {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.units
	r.units = nil
	return out
}

// eachRecordingBackend runs fn with a fixture over a recording store, on
// SQLite and on the Mongo adapter against the in-process FerretDB.
func eachRecordingBackend(t *testing.T, fn func(t *testing.T, f *fixture, rs *recordingStore)) {
	t.Run("sqlite", func(t *testing.T) {
		st, err := sqlitestore.Open(t.TempDir(), sqlitestore.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		blobs, err := blob.NewLocal(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		rs := &recordingStore{Store: st}
		fn(t, fixtureOn(t, rs, blobs), rs)
	})
	t.Run("mongo", func(t *testing.T) {
		quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
		st, err := mongostore.Open(context.Background(), ferrettest.URI(t), ferrettest.Database(t), mongostore.Options{AllowNonAtomicUnits: true, Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		rs := &recordingStore{Store: st}
		fn(t, fixtureOn(t, rs, st.Blobs()), rs)
	})
}

// eventCase calls one exported method of *Engine; want lists the event
// types its call commits (nil for a method that only reads).
type eventCase struct {
	method string
	call   func() error
	want   []engine.EventType
}

// TestEveryMutatingMethodCommitsItsEvent walks every exported method of
// *Engine: each is in the table below, either with the events it commits or
// as a read. A method that writes commits every write with an event in the
// same unit of work; a read commits nothing. Adding a method to the engine
// without adding it here fails the test.
func TestEveryMutatingMethodCommitsItsEvent(t *testing.T) {
	eachRecordingBackend(t, func(t *testing.T, f *fixture, rs *recordingStore) {
		ctx, admin := f.ctx, f.admin
		formID := f.publish(t, admin, opportunityForm())
		rec, err := f.e.CreateRecord(ctx, f.member, formID, map[string]any{"company": "甲"}, engine.WriteOptions{})
		if err != nil {
			t.Fatal(describe(err))
		}
		var (
			app     engine.App
			dept    engine.Department
			draft   engine.Form
			file    engine.FileInfo
			user    engine.User
			member  engine.Member
			created engine.User
			ws      engine.Workspace
			rec2    engine.Record
			role    engine.WorkspaceRole
			// invitation is the id MyInvitations finds.
			invitation string
		)
		suffix := strings.ReplaceAll(t.Name(), "/", "_")
		email := func(s string) string { return strings.ToLower(s + "_" + suffix + "@example.com") }
		png := pngBytes(t)
		W := func(types ...engine.EventType) []engine.EventType { return types }
		cases := []eventCase{
			{"CreateApp", func() error { app, err = f.e.CreateApp(ctx, admin, engine.AppInput{Name: "事件"}); return err }, W(engine.EventAppCreated)},
			{"UpdateApp", func() error {
				app, err = f.e.UpdateApp(ctx, admin, app.ID, engine.AppInput{Name: "事件 2"}, app.Version)
				return err
			}, W(engine.EventAppUpdated)},
			{"CreateForm", func() error {
				draft, err = f.e.CreateForm(ctx, admin, app.ID, engine.FormInput{Name: "草稿", Definition: form.Definition{Fields: []form.Field{{Key: "name", Type: "text", Label: "名称"}}}})
				return err
			}, W(engine.EventFormCreated)},
			{"SaveDraft", func() error {
				draft, err = f.e.SaveDraft(ctx, admin, draft.ID, engine.FormInput{Name: "草稿 2", Definition: draft.Draft}, draft.Version)
				return err
			}, W(engine.EventFormDraftSaved)},
			{"PublishVersion", func() error {
				_, err := f.e.PublishVersion(ctx, admin, draft.ID, draft.Version, draft.Draft, nil, nil)
				return err
			}, W(engine.EventFormPublished)},
			{"DeleteForm", func() error { return f.e.DeleteForm(ctx, admin, draft.ID) }, W(engine.EventFormDeleted)},
			{"RestoreForm", func() error { _, err := f.e.RestoreForm(ctx, admin, draft.ID); return err }, W(engine.EventFormRestored)},
			{"DeleteApp", func() error { return f.e.DeleteApp(ctx, admin, app.ID) }, W(engine.EventAppDeleted)},
			{"RestoreApp", func() error { _, err := f.e.RestoreApp(ctx, admin, app.ID); return err }, W(engine.EventAppRestored)},
			{"CreateDepartment", func() error { dept, err = f.e.CreateDepartment(ctx, admin, "销售部", ""); return err }, W(engine.EventDepartmentCreated)},
			{"UpdateDepartment", func() error {
				dept, err = f.e.UpdateDepartment(ctx, admin, dept.ID, "销售一部", "", dept.Version)
				return err
			}, W(engine.EventDepartmentUpdated)},
			{"SetDepartmentHeads", func() error {
				dept, err = f.e.SetDepartmentHeads(ctx, admin, dept.ID, []string{admin.UserID}, dept.Version)
				return err
			}, W(engine.EventDepartmentUpdated)},
			{"UploadFile", func() error {
				file, err = f.e.UploadFile(ctx, f.member, "图.png", bytes.NewReader(png), 0)
				return err
			}, W(engine.EventFileUploaded)},
			{"CreateUser", func() error {
				user, err = f.e.CreateUser(ctx, engine.UserInput{Email: email("new"), Name: "新人"})
				return err
			}, W(engine.EventUserCreated)},
			{"SetPasswordHash", func() error { return f.e.SetPasswordHash(ctx, user.ID, "hash") }, W(engine.EventUserPasswordChanged)},
			{"DeletePlaceholderUser", func() error {
				ph, err := f.e.CreateUser(ctx, engine.UserInput{Email: email("placeholder"), Name: "占位", Home: admin.Workspace})
				if err != nil {
					return err
				}
				return f.e.DeletePlaceholderUser(ctx, admin, ph.ID)
			}, W(engine.EventUserCreated, engine.EventUserDeleted)},
			{"AddMember", func() error {
				member, err = f.e.AddMember(ctx, admin, user.ID, engine.RoleMember, []string{dept.ID})
				return err
			}, W(engine.EventMemberAdded)},
			{"UpdateMember", func() error {
				member, err = f.e.UpdateMember(ctx, admin, member.ID, engine.RoleAdmin, nil, member.Version)
				return err
			}, W(engine.EventMemberUpdated)},
			{"UpdateMemberAccount", func() error {
				_, member, err = f.e.UpdateMemberAccount(ctx, admin, user.ID, engine.MemberAccountUpdate{
					Name: ptr("改名"), Disabled: ptr(true), Role: ptr(engine.RoleMember)})
				return err
			}, W(engine.EventMemberUpdated, engine.EventUserUpdated, engine.EventUserDisabled)},
			{"UpdateMemberAccount", func() error {
				_, member, err = f.e.UpdateMemberAccount(ctx, admin, user.ID, engine.MemberAccountUpdate{Disabled: ptr(false)})
				return err
			}, W(engine.EventUserEnabled)},
			{"ResetMemberPassword", func() error { _, err := f.e.ResetMemberPassword(ctx, admin, user.ID, "hash2"); return err }, W(engine.EventUserPasswordReset)},
			{"UpdateMemberAccount", func() error {
				_, member, err = f.e.UpdateMemberAccount(ctx, admin, user.ID, engine.MemberAccountUpdate{MemberDisabled: ptr(true)})
				return err
			}, W(engine.EventMemberUpdated)},
			{"RemoveMember", func() error { return f.e.RemoveMember(ctx, admin, member.ID) }, W(engine.EventMemberRemoved)},
			{"Invite", func() error { return f.e.Invite(ctx, admin, user.ID, engine.RoleMember, nil) }, W(engine.EventMemberInvited)},
			{"MyInvitations", func() error {
				list, err := f.e.MyInvitations(ctx, user.ID)
				if err == nil && len(list) != 1 {
					err = fmt.Errorf("%d invitations", len(list))
				}
				if err == nil {
					invitation = list[0].ID
				}
				return err
			}, nil},
			{"RespondInvitation", func() error { _, err := f.e.RespondInvitation(ctx, user.ID, invitation, true); return err }, W(engine.EventMemberAdded)},
			{"RemoveMember", func() error {
				m, err := f.e.Membership(ctx, admin.Workspace, user.ID)
				if err == nil {
					err = f.e.RemoveMember(ctx, admin, m.ID)
				}
				return err
			}, W(engine.EventMemberRemoved)},
			{"Invite", func() error { return f.e.Invite(ctx, admin, user.ID, engine.RoleAdmin, nil) }, W(engine.EventMemberInvited)},
			{"RespondInvitation", func() error {
				list, err := f.e.MyInvitations(ctx, user.ID)
				if err == nil {
					_, err = f.e.RespondInvitation(ctx, user.ID, list[0].ID, false)
				}
				return err
			}, W(engine.EventMemberInvitationDeclined)},
			{"Authorize", func() error { _, err := f.e.Authorize(ctx, admin, engine.ActAppManage, engine.Resource{}); return err }, nil},
			{"DeleteDepartment", func() error { return f.e.DeleteDepartment(ctx, admin, dept.ID) }, W(engine.EventDepartmentDeleted)},
			{"CreateMember", func() error {
				created, _, err = f.e.CreateMember(ctx, admin, engine.UserInput{Email: email("created"), Name: "李四"}, engine.RoleMember, nil)
				return err
			}, W(engine.EventUserCreated, engine.EventMemberAdded)},
			{"CreateWorkspace", func() error {
				ws, err = f.e.CreateWorkspace(ctx, created.ID, engine.WorkspaceInput{Name: "新工作区"})
				return err
			}, W(engine.EventWorkspaceCreated, engine.EventMemberAdded)},
			{"UpdateWorkspace", func() error {
				_, err := f.e.UpdateWorkspace(ctx, admin, engine.WorkspaceInput{Name: "示例公司", TimeZone: "Europe/Berlin"}, 0)
				return err
			}, W(engine.EventWorkspaceUpdated)},
			{"Setup", func() error {
				_, _, err := f.e.Setup(ctx, engine.UserInput{Email: email("setup"), Name: "王五"}, engine.WorkspaceInput{Name: "初始"})
				return err
			}, W(engine.EventUserCreated, engine.EventWorkspaceCreated, engine.EventMemberAdded)},
			{"CreateRecord", func() error {
				rec2, err = f.e.CreateRecord(ctx, f.member, formID, map[string]any{"company": "乙"}, engine.WriteOptions{})
				return err
			}, W(engine.EventRecordCreated)},
			{"UpdateRecord", func() error {
				rec2, err = f.e.UpdateRecord(ctx, f.member, formID, rec2.ID, map[string]any{"company": "丙"}, rec2.Version, engine.WriteOptions{})
				return err
			}, W(engine.EventRecordUpdated)},
			{"CreateRecordOnce", func() error {
				_, _, err := f.e.CreateRecordOnce(ctx, f.member, formID, "event-key", map[string]any{"company": "幂等"}, engine.WriteOptions{})
				return err
			}, W(engine.EventRecordCreated)},
			// Housekeeping: deletes only keys past their TTL (none here),
			// bookkeeping without an event (record_idempotency.go).
			{"PurgeIdempotencyKeys", func() error { _, err := f.e.PurgeIdempotencyKeys(ctx); return err }, nil},
			{"CreateRecords", func() error {
				res, err := f.e.CreateRecords(ctx, f.member, formID, []map[string]any{{"company": "批一"}, {"company": "批二"}}, engine.WriteOptions{})
				for _, r := range res {
					if r.Err != nil {
						return r.Err
					}
				}
				return err
			}, W(engine.EventRecordCreated, engine.EventRecordCreated)},
			{"UpdateRecords", func() error {
				res, err := f.e.UpdateRecords(ctx, f.member, formID, []engine.RecordChange{{ID: rec2.ID, Version: rec2.Version, Data: map[string]any{"company": "批改"}}}, engine.WriteOptions{})
				if err == nil && res[0].Err != nil {
					err = res[0].Err
				}
				if err == nil {
					rec2 = res[0].Record
				}
				return err
			}, W(engine.EventRecordUpdated)},
			{"TransferRecords", func() error {
				res, err := f.e.TransferRecords(ctx, admin, formID, []string{rec2.ID}, admin.UserID)
				if err == nil && res[0].Err != nil {
					err = res[0].Err
				}
				return err
			}, W(engine.EventRecordUpdated)},
			{"DeleteRecord", func() error { return f.e.DeleteRecord(ctx, f.member, formID, rec2.ID, 0) }, W(engine.EventRecordDeleted)},
			{"RestoreRecord", func() error { _, err := f.e.RestoreRecord(ctx, f.member, formID, rec2.ID, 0); return err }, W(engine.EventRecordRestored)},
			{"DeleteRecordWith", func() error {
				return f.e.DeleteRecordWith(ctx, f.member, formID, rec2.ID, 0, engine.WriteOptions{Chain: &engine.Chain{ID: "ev1", Depth: 1, Origins: []string{"automation:a1"}}})
			}, W(engine.EventRecordDeleted)},
			{"RestoreRecord", func() error { _, err := f.e.RestoreRecord(ctx, f.member, formID, rec2.ID, 0); return err }, W(engine.EventRecordRestored)},
			{"DeleteRecords", func() error {
				res, err := f.e.DeleteRecords(ctx, f.member, formID, []string{rec.ID, rec2.ID})
				for _, r := range res {
					if r.Err != nil {
						return r.Err
					}
				}
				return err
			}, W(engine.EventRecordDeleted, engine.EventRecordDeleted)},
			{"ImportTable", func() error {
				rep, err := f.e.ImportTable(ctx, f.member, formID, func() (engine.Table, error) {
					return tabular.Read(strings.NewReader("公司,金额\n丁,1\n戊,2\n"))
				}, engine.ImportOptions{})
				if err == nil && rep.Created != 2 {
					return fmt.Errorf("import created %d, errors %v", rep.Created, rep.Errors)
				}
				return err
			}, W(engine.EventRecordCreated, engine.EventRecordCreated)},

			{"CreateRole", func() error {
				role, err = f.e.CreateRole(ctx, admin, "销售", "")
				return err
			}, W(engine.EventRoleCreated)},
			{"UpdateRole", func() error {
				role, err = f.e.UpdateRole(ctx, admin, role.ID, "销售部", "一线销售", role.Version)
				return err
			}, W(engine.EventRoleUpdated)},
			{"SetMemberAccess", func() error {
				m, err := f.e.Membership(ctx, admin.Workspace, f.member.UserID)
				if err == nil {
					_, err = f.e.SetMemberAccess(ctx, admin, m.ID, nil, nil, m.Version)
				}
				return err
			}, W(engine.EventMemberUpdated)},
			{"SavePermissionSet", func() error {
				ps, _ := engine.PresetSet(engine.PresetViewAll)
				ps.Grants = []engine.Grant{{Kind: engine.GrantRole, ID: role.ID}}
				_, _, err := f.e.SavePermissionSet(ctx, admin, formID, ps, 0)
				return err
			}, W(engine.EventPermissionsChanged)},
			{"DeletePermissionSet", func() error {
				fp, err := f.e.FormPermissions(ctx, admin, formID)
				if err == nil {
					fp, err = f.e.DeletePermissionSet(ctx, admin, formID, fp.Sets[len(fp.Sets)-1].ID, fp.Version)
				}
				return err
			}, W(engine.EventPermissionsChanged)},
			{"DeleteRole", func() error { return f.e.DeleteRole(ctx, admin, role.ID) }, W(engine.EventRoleDeleted)},

			// Reads.
			{"Apps", func() error { _, err := f.e.Apps(ctx, admin); return err }, nil},
			{"App", func() error { _, err := f.e.App(ctx, admin, app.ID); return err }, nil},
			{"Forms", func() error { _, err := f.e.Forms(ctx, admin, app.ID); return err }, nil},
			{"Form", func() error { _, err := f.e.Form(ctx, admin, formID); return err }, nil},
			{"Departments", func() error { _, err := f.e.Departments(ctx, admin); return err }, nil},
			{"Members", func() error { _, err := f.e.Members(ctx, admin); return err }, nil},
			{"Membership", func() error { _, err := f.e.Membership(ctx, admin.Workspace, created.ID); return err }, nil},
			{"Memberships", func() error { _, err := f.e.Memberships(ctx, created.ID); return err }, nil},
			{"WorkspaceUsers", func() error { _, err := f.e.WorkspaceUsers(ctx, admin); return err }, nil},
			{"User", func() error { _, err := f.e.User(ctx, created.ID); return err }, nil},
			{"UserByEmail", func() error { _, err := f.e.UserByEmail(ctx, created.Email); return err }, nil},
			{"CountUsers", func() error { _, err := f.e.CountUsers(ctx); return err }, nil},
			{"Workspace", func() error { _, err := f.e.Workspace(ctx, ws.ID); return err }, nil},
			{"Location", func() error { _, err := f.e.Location(ctx, ws.ID); return err }, nil},
			{"WorkspaceZones", func() error { _, err := f.e.WorkspaceZones(ctx); return err }, nil},
			{"FollowChanges", func() error { c, stop := context.WithCancel(ctx); stop(); return f.e.FollowChanges(c, 0) }, nil},
			{"CurrentVersion", func() error { _, err := f.e.CurrentVersion(ctx, admin, formID); return err }, nil},
			{"Versions", func() error { _, err := f.e.Versions(ctx, admin, formID); return err }, nil},
			{"Record", func() error { _, err := f.e.Record(ctx, f.member, formID, rec2.ID); return err }, nil},
			{"QueryRecords", func() error {
				_, err := f.e.QueryRecords(ctx, f.member, formID, engine.RecordQuery{Total: true})
				return err
			}, nil},
			{"History", func() error { _, err := f.e.History(ctx, f.member, formID, rec2.ID); return err }, nil},
			{"CreatedWith", func() error { _, err := f.e.CreatedWith(ctx, f.member, formID, rec2.ID); return err }, nil},
			{"File", func() error {
				_, body, err := f.e.File(ctx, f.member, file.ID, engine.FileRef{})
				if err == nil {
					body.Close()
				}
				return err
			}, nil},
			{"PrepareExport", func() error {
				x, err := f.e.PrepareExport(ctx, f.member, formID, engine.RecordQuery{}, engine.FormatCSV, "zh-CN")
				if err == nil {
					err = tabular.Write(ctx, io.Discard, x)
				}
				return err
			}, nil},
			{"Roles", func() error { _, err := f.e.Roles(ctx, admin); return err }, nil},
			{"FormPermissions", func() error { _, err := f.e.FormPermissions(ctx, admin, formID); return err }, nil},
			{"FormPermissionsOf", func() error { _, err := f.e.FormPermissionsOf(ctx, admin.Workspace, formID); return err }, nil},
			{"VersionOf", func() error { _, err := f.e.VersionOf(ctx, admin.Workspace, formID); return err }, nil},
			{"TemplateFormVersion", func() error {
				refs := engine.NewTemplateRefs(admin.Workspace, "")
				refs.Set("forms", "f", formID)
				_, err := f.e.TemplateFormVersion(ctx, refs, "f")
				return err
			}, nil},
			{"FormApp", func() error { _, err := f.e.FormApp(ctx, admin.Workspace, formID); return err }, nil},
			{"OrgChart", func() error { _, err := f.e.OrgChart(ctx, admin.Workspace); return err }, nil},
			{"MyPermission", func() error { _, err := f.e.MyPermission(ctx, f.member, formID); return err }, nil},
			{"RecordVisibleTo", func() error {
				_, err := f.e.RecordVisibleTo(ctx, admin.Workspace, formID, rec2.ID, []engine.Actor{f.member, admin})
				return err
			}, nil},
			{"Store", func() error { _ = f.e.Store(); return nil }, nil},
			{"Now", func() error { _ = f.e.Now(); return nil }, nil},
			{"OnRecordWriting", func() error { _ = f.e.OnRecordWriting(); return nil }, nil},
			{"AggregateRecords", func() error {
				_, err := f.e.AggregateRecords(ctx, f.member, formID, engine.RecordAggregate{Metrics: []store.Metric{{Op: store.AggCount}}})
				return err
			}, nil},
			{"Actions", func() error { _ = f.e.Actions().Kinds(); return nil }, nil},
			{"EventVariables", func() error { _ = f.e.EventVariables().Types(); return nil }, nil},
			{"TemplateParts", func() error { _ = f.e.TemplateParts().All(); return nil }, nil},
			{"Notify", func() error {
				if err := f.e.Notify(ctx, engine.Notification{Workspace: "w", Recipients: []string{"u"}, Kind: "test", Title: "t"}); !errors.Is(err, engine.ErrNoNotifier) {
					return fmt.Errorf("Notify without a notifier: %v", err)
				}
				return nil
			}, nil},
			{"SetNotifier", func() error { return nil }, nil},
			{"RegisterDefinitionExtension", func() error {
				if err := f.e.RegisterDefinitionExtension(engine.DefinitionExtension{Name: "Bad name"}); err == nil {
					return fmt.Errorf("a bad extension name was accepted")
				}
				return nil
			}, nil},
		}

		known := map[string]bool{}
		for _, c := range cases {
			known[c.method] = true
		}
		et := reflect.TypeOf(f.e)
		var missing []string
		for i := range et.NumMethod() {
			if name := et.Method(i).Name; !known[name] {
				missing = append(missing, name)
			}
		}
		if len(missing) > 0 {
			t.Fatalf("exported methods of *Engine missing from the table (add each with the events it commits, or as a read): %v", missing)
		}
		for _, c := range cases {
			if _, ok := et.MethodByName(c.method); !ok {
				t.Errorf("table names %s, which *Engine does not have", c.method)
			}
		}

		catalogue := map[engine.EventType]engine.EventInfo{}
		for _, info := range engine.EventTypes() {
			catalogue[info.Type] = info
		}
		seen := map[engine.EventType]bool{}
		rs.take()
		head := lastSeq(t, f)
		for _, c := range cases {
			if err := c.call(); err != nil {
				t.Fatalf("%s: %v", c.method, describe(err))
			}
			units := rs.take()
			evs := readAfter(t, f, head)
			if len(evs) > 0 {
				head = evs[len(evs)-1].Seq
			}
			if c.want == nil {
				if len(units) > 0 || len(evs) > 0 {
					t.Errorf("%s is listed as a read but committed %d units, %d events", c.method, len(units), len(evs))
				}
				continue
			}
			for i, u := range units {
				if len(u.Writes) > 0 && len(u.Events) == 0 {
					t.Errorf("%s: unit %d has %d writes and no event", c.method, i, len(u.Writes))
				}
			}
			var got []engine.EventType
			for _, ev := range evs {
				typ := engine.EventType(ev.Type)
				got = append(got, typ)
				seen[typ] = true
				checkPayload(t, c.method, ev, catalogue)
			}
			want := slices.Clone(c.want)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s committed events %v, want %v", c.method, got, want)
			}
		}
		for typ := range catalogue {
			if !seen[typ] {
				t.Errorf("no method in the table committed %s", typ)
			}
		}
	})
}

// checkPayload decodes an event's payload into the struct the catalogue
// names and checks its version and its subject.
func checkPayload(t *testing.T, method string, ev store.Event, catalogue map[engine.EventType]engine.EventInfo) {
	t.Helper()
	info, ok := catalogue[engine.EventType(ev.Type)]
	if !ok {
		t.Errorf("%s committed %s, which is not in engine.EventTypes()", method, ev.Type)
		return
	}
	if ev.DocID == "" || ev.Collection == "" {
		t.Errorf("%s: event %s names no document (%q/%q)", method, ev.Type, ev.Collection, ev.DocID)
	}
	var version int
	var subject string
	var err error
	switch info.Payload {
	case "RecordPayload":
		var p engine.RecordPayload
		p, err = engine.DecodePayload[engine.RecordPayload](ev)
		version, subject = p.PayloadVersion, p.Record
		if err == nil && (p.Form == "" || p.App == "" || p.Actor == "" || p.Source == "" || p.Version < 1 || p.FormVersion < 1) {
			t.Errorf("%s: record payload incomplete: %+v", method, p)
		}
	case "AppPayload":
		var p engine.AppPayload
		p, err = engine.DecodePayload[engine.AppPayload](ev)
		version, subject = p.PayloadVersion, p.App
	case "FormPayload":
		var p engine.FormPayload
		p, err = engine.DecodePayload[engine.FormPayload](ev)
		version, subject = p.PayloadVersion, p.Form
	case "FormPublishedPayload":
		var p engine.FormPublishedPayload
		p, err = engine.DecodePayload[engine.FormPublishedPayload](ev)
		version, subject = p.PayloadVersion, p.Form
		if err == nil && p.Version < 1 {
			t.Errorf("%s: published version %d", method, p.Version)
		}
	case "WorkspacePayload":
		var p engine.WorkspacePayload
		p, err = engine.DecodePayload[engine.WorkspacePayload](ev)
		version, subject = p.PayloadVersion, p.Workspace
	case "DepartmentPayload":
		var p engine.DepartmentPayload
		p, err = engine.DecodePayload[engine.DepartmentPayload](ev)
		version, subject = p.PayloadVersion, p.Department
	case "MemberPayload":
		var p engine.MemberPayload
		p, err = engine.DecodePayload[engine.MemberPayload](ev)
		version, subject = p.PayloadVersion, p.Member
		if err == nil && (p.User == "" || p.Role == "") {
			t.Errorf("%s: member payload incomplete: %+v", method, p)
		}
	case "InvitationPayload":
		var p engine.InvitationPayload
		p, err = engine.DecodePayload[engine.InvitationPayload](ev)
		version, subject = p.PayloadVersion, p.Invitation
		if err == nil && (p.User == "" || p.Role == "") {
			t.Errorf("%s: invitation payload incomplete: %+v", method, p)
		}
	case "UserPayload":
		var p engine.UserPayload
		p, err = engine.DecodePayload[engine.UserPayload](ev)
		version, subject = p.PayloadVersion, p.User
	case "FilePayload":
		var p engine.FilePayload
		p, err = engine.DecodePayload[engine.FilePayload](ev)
		version, subject = p.PayloadVersion, p.File
	case "RolePayload":
		var p engine.RolePayload
		p, err = engine.DecodePayload[engine.RolePayload](ev)
		version, subject = p.PayloadVersion, p.Role
	case "PermissionsPayload":
		var p engine.PermissionsPayload
		p, err = engine.DecodePayload[engine.PermissionsPayload](ev)
		version, subject = p.PayloadVersion, p.Form
	default:
		t.Errorf("%s: catalogue names unknown payload %s", method, info.Payload)
		return
	}
	if err != nil {
		t.Errorf("%s: decode %s: %v", method, ev.Type, err)
		return
	}
	if version != info.PayloadVersion || version < 1 {
		t.Errorf("%s: %s payload_version %d, catalogue says %d", method, ev.Type, version, info.PayloadVersion)
	}
	if subject != ev.DocID {
		t.Errorf("%s: %s payload names %q, event names document %q", method, ev.Type, subject, ev.DocID)
	}
}

func lastSeq(t *testing.T, f *fixture) int64 {
	t.Helper()
	evs := readAfter(t, f, 0)
	if len(evs) == 0 {
		return 0
	}
	return evs[len(evs)-1].Seq
}

func readAfter(t *testing.T, f *fixture, after int64) []store.Event {
	t.Helper()
	var out []store.Event
	for {
		evs, err := f.e.Store().ReadEvents(f.ctx, after, 500)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, evs...)
		if len(evs) < 500 {
			return out
		}
		after = evs[len(evs)-1].Seq
	}
}

// TestEventsAreDocumented checks docs/events.md lists every event type of
// the catalogue with its payload and payload version.
func TestEventsAreDocumented(t *testing.T) {
	b, err := os.ReadFile("../docs/events.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	var types []string
	for _, info := range engine.EventTypes() {
		types = append(types, string(info.Type))
		row := fmt.Sprintf("| `%s` |", info.Type)
		i := strings.Index(doc, row)
		if i < 0 {
			t.Errorf("docs/events.md has no table row for %s", info.Type)
			continue
		}
		line := doc[i : i+strings.IndexByte(doc[i:], '\n')]
		if !strings.Contains(line, info.Payload) || !strings.Contains(line, fmt.Sprintf("| %d |", info.PayloadVersion)) {
			t.Errorf("docs/events.md row of %s does not name %s version %d: %s", info.Type, info.Payload, info.PayloadVersion, line)
		}
		if !strings.Contains(doc, "### "+info.Payload) {
			t.Errorf("docs/events.md does not describe the fields of %s", info.Payload)
		}
	}
	sorted := slices.Clone(types)
	sort.Strings(sorted)
	if len(slices.Compact(sorted)) != len(types) {
		t.Errorf("engine.EventTypes() lists a type twice: %v", types)
	}
}
