package engine

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/formloom/formloom/engine/store"
)

// TestPayloadMapsMatchTheirStructs checks each payload's hand-written map
// (what the outbox stores) has exactly the keys and values of the struct's
// JSON form (what DecodePayload and docs/events.md promise).
func TestPayloadMapsMatchTheirStructs(t *testing.T) {
	payloads := []payload{
		RecordPayload{PayloadVersion: RecordPayloadVersion, Form: "f", App: "a", Record: "r", Version: 3, FormVersion: 2, Source: "ui",
			Actor: "u", Changed: []string{"x", "y"}, AutomationsOff: true, Data: map[string]any{"x": 1.0}},
		RecordPayload{PayloadVersion: RecordPayloadVersion, Changed: []string{}},
		AppPayload{PayloadVersion: AppPayloadVersion, App: "a", Name: "n"},
		FormPayload{PayloadVersion: FormPayloadVersion, Form: "f", App: "a", Name: "n"},
		FormPublishedPayload{PayloadVersion: FormPublishedPayloadVersion, Form: "f", App: "a", Version: 2},
		WorkspacePayload{PayloadVersion: WorkspacePayloadVersion, Workspace: "w", Name: "n", TimeZone: "UTC", Language: "en"},
		DepartmentPayload{PayloadVersion: DepartmentPayloadVersion, Department: "d", Name: "n", Parent: "p"},
		MemberPayload{PayloadVersion: MemberPayloadVersion, Member: "m", User: "u", Role: "admin", Departments: []string{"d"}, Disabled: true,
			Roles: []string{"r"}, AdminApps: []string{"a"}},
		InvitationPayload{PayloadVersion: InvitationPayloadVersion, Invitation: "i", User: "u", Role: "member"},
		UserPayload{PayloadVersion: UserPayloadVersion, User: "u"},
		FilePayload{PayloadVersion: FilePayloadVersion, File: "f", Name: "n", Size: 10, ContentType: "image/png"},
		RolePayload{PayloadVersion: RolePayloadVersion, Role: "r", Name: "n"},
		PermissionsPayload{PayloadVersion: PermissionsPayloadVersion, Form: "f", Set: "s", Change: "created"},
	}
	for _, p := range payloads {
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		var fromJSON map[string]any
		if err := json.Unmarshal(b, &fromJSON); err != nil {
			t.Fatal(err)
		}
		stored, err := store.NormalizeData(p.payloadMap())
		if err != nil {
			t.Fatalf("%T: %v", p, err)
		}
		if !reflect.DeepEqual(stored, fromJSON) {
			t.Errorf("%T: stored map\n%v\nJSON form\n%v", p, stored, fromJSON)
		}
	}
}
