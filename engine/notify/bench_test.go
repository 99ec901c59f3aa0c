package notify_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/notify"
)

// benchFixture is a SQLite workspace with ten members.
func benchFixture(b *testing.B) (*notify.Service, string, []string) {
	b.Helper()
	ctx := context.Background()
	st := backends()[0].open(b, nil)
	e, err := engine.New(ctx, st, engine.Options{Logger: quiet, Authorizer: access.New()})
	if err != nil {
		b.Fatal(err)
	}
	admin, err := e.CreateUser(ctx, engine.UserInput{Email: "bench-admin@example.com", Name: "admin"})
	if err != nil {
		b.Fatal(err)
	}
	ws, err := e.CreateWorkspace(ctx, admin.ID, engine.WorkspaceInput{Name: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	a := engine.Actor{UserID: admin.ID, Workspace: ws.ID, Role: engine.RoleAdmin, Source: engine.SourceAPI}
	var users []string
	for i := range 10 {
		u, err := e.CreateUser(ctx, engine.UserInput{Email: fmt.Sprintf("bench%d@example.com", i), Name: "u"})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := e.AddMember(ctx, a, u.ID, engine.RoleMember, nil); err != nil {
			b.Fatal(err)
		}
		users = append(users, u.ID)
	}
	svc, err := notify.New(ctx, notify.Options{Engine: e, Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	return svc, ws.ID, users
}

// BenchmarkNotifyTenRecipients: one notification to ten members (member
// checks, preferences, one unit of ten items).
func BenchmarkNotifyTenRecipients(b *testing.B) {
	svc, ws, users := benchFixture(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		n := engine.Notification{Workspace: ws, Recipients: users, Kind: "automation", Title: "阶段变为赢单", Form: "f1", Record: fmt.Sprintf("r%d", i)}
		if err := svc.Notify(ctx, n); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUnreadCount: the count every open browser polls, over an inbox
// of 1,000 items (half read) among 10,000 of the workspace.
func BenchmarkUnreadCount(b *testing.B) {
	svc, ws, users := benchFixture(b)
	ctx := context.Background()
	for i := range 1000 {
		if err := svc.Notify(ctx, engine.Notification{Workspace: ws, Recipients: users, Kind: "automation", Title: fmt.Sprintf("n%d", i)}); err != nil {
			b.Fatal(err)
		}
	}
	for range 3 { // mark about half of the first user's read
		p, err := svc.List(ctx, ws, users[0], notify.ListOptions{Limit: 100, Unread: true})
		if err != nil {
			b.Fatal(err)
		}
		for _, it := range p.Items {
			if _, err := svc.MarkRead(ctx, ws, users[0], it.ID); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := svc.UnreadCount(ctx, ws, users[0]); err != nil {
			b.Fatal(err)
		}
	}
}
