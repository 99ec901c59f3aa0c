package engine

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"sync"

	"github.com/formloom/formloom/engine/field"
)

// DefinitionExtension is a capability's setting kept in a form design
// (form.Definition.Extensions[Name]): the stage pipeline of engine/workflow,
// for example. It is published with the form version, immutable like the
// rest of it, and checked by the capability when the version is published.
type DefinitionExtension struct {
	// Name is the key in Extensions; it matches ^[a-z][a-z0-9_]{0,31}$.
	Name string
	// Check validates the setting against the compiled version it is
	// published with (fields, expression environment). Paths of the
	// problems it returns are relative to the setting ("stages[2].condition");
	// the engine prefixes them with "extensions.<name>.".
	Check func(v *Version, raw json.RawMessage) []field.Error
}

// extensionRegistry holds the definition extensions capabilities
// registered while the program was wired.
type extensionRegistry struct {
	mu    sync.RWMutex
	names map[string]DefinitionExtension
}

var extensionName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// RegisterDefinitionExtension adds a capability's form setting; a second
// registration of the same name is refused.
func (e *Engine) RegisterDefinitionExtension(x DefinitionExtension) error {
	if !extensionName.MatchString(x.Name) || x.Check == nil {
		return fmt.Errorf("engine: definition extension %q needs a name matching ^[a-z][a-z0-9_]{0,31}$ and a Check", x.Name)
	}
	r := &e.extensions
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.names == nil {
		r.names = map[string]DefinitionExtension{}
	}
	if _, dup := r.names[x.Name]; dup {
		return fmt.Errorf("engine: definition extension %q is registered twice", x.Name)
	}
	r.names[x.Name] = x
	return nil
}

// checkExtensions runs the registered checks over v's extensions. A setting
// no capability registered is refused: nothing would enforce it.
func (e *Engine) checkExtensions(v *Version) []field.Error {
	if len(v.Def.Extensions) == 0 {
		return nil
	}
	names := make([]string, 0, len(v.Def.Extensions))
	for k := range v.Def.Extensions {
		names = append(names, k)
	}
	sort.Strings(names)
	r := &e.extensions
	r.mu.RLock()
	defer r.mu.RUnlock()
	var errs []field.Error
	for _, k := range names {
		at := "extensions." + k
		x, ok := r.names[k]
		if !ok {
			errs = append(errs, fieldErr(at, CodeUnknownExtension, map[string]any{"name": k}))
			continue
		}
		for _, fe := range x.Check(v, v.Def.Extensions[k]) {
			if fe.Path == "" {
				fe.Path = at
			} else {
				fe.Path = at + "." + fe.Path
			}
			errs = append(errs, fe)
		}
	}
	return errs
}
