// Package engine runs Formloom apps: workspaces, apps, forms, records,
// expressions and the one write pipeline. It knows nothing of HTTP or of any
// database driver; storage goes through engine/store.
package engine
