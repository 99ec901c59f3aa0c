package template

import "encoding/json"

// UpgradePlan is what an upgrade would change: the changes it applies and
// the conflicts the admin must resolve first.
type UpgradePlan struct {
	From      string     `json:"from"`
	To        string     `json:"to"`
	Changes   []Change   `json:"changes"`
	Conflicts []Conflict `json:"conflicts"`
}

// Change is one change an upgrade applies: Kind is "forms", "roles",
// "app" or a part kind; Key the form, role or item; Op add, remove or
// change, or keep (a role the new version drops that a permission set
// still grants: it stays); Path, for a form, the field ("fields.<key>")
// or property ("name", "permissions", "submitRules"...), for the app
// "formOrder".
type Change struct {
	Kind   string         `json:"kind"`
	Key    string         `json:"key"`
	Op     string         `json:"op"`
	Path   string         `json:"path,omitempty"`
	Detail map[string]any `json:"detail,omitempty"`
}

// Conflict is a place both the user (ours) and the new template (theirs)
// changed differently since the installed version (base). ID is stable:
// the same three versions give the same id. A Path "draft.<unit>" is an
// admin's unpublished draft against what the upgrade publishes; a role
// with Theirs null is one the new version drops that the user changed or
// members hold (Ours has "members").
type Conflict struct {
	ID     string          `json:"id"`
	Kind   string          `json:"kind"`
	Key    string          `json:"key"`
	Path   string          `json:"path,omitempty"`
	Base   json.RawMessage `json:"base"`
	Ours   json.RawMessage `json:"ours"`
	Theirs json.RawMessage `json:"theirs"`
}

// UpgradeResult says what an upgrade did.
type UpgradeResult struct {
	Version string `json:"version"`
	Applied int    `json:"applied"`
}
