package template

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"slices"
	"sort"
	"sync"

	"github.com/formloom/formloom/builder"
	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

// Options adjust the service.
type Options struct {
	// Logger receives the installer's logs; nil means slog.Default().
	Logger *slog.Logger
}

// Service lists the shipped templates, checks, installs, exports and
// upgrades templates. It meets the capabilities only through the engine's
// TemplatePartRegistry.
type Service struct {
	e    *engine.Engine
	b    *builder.Service
	fsys fs.FS
	log  *slog.Logger

	mu     sync.Mutex
	loaded map[string]*Package
	// failAt, set by tests only, fails an upgrade at the step it names.
	failAt func(step string) error
}

// New returns the service over e; fsys holds the shipped templates, one
// directory per template (templates.FS); nil ships none.
func New(e *engine.Engine, fsys fs.FS, opts Options) *Service {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Service{e: e, b: builder.New(e), fsys: fsys, log: opts.Logger, loaded: map[string]*Package{}}
}

// List returns the shipped templates, by key. A directory that does not
// parse is logged and left out, so one broken template does not hide the
// others.
func (s *Service) List(ctx context.Context, a engine.Actor) ([]Summary, error) {
	if s.fsys == nil {
		return []Summary{}, nil
	}
	dirs, err := fs.ReadDir(s.fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("template: list: %w", err)
	}
	out := []Summary{}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		if _, err := fs.Stat(s.fsys, d.Name()+"/template.json"); err != nil {
			continue
		}
		p, err := s.Load(d.Name())
		if err != nil {
			s.log.Warn("template does not parse", "template", d.Name(), "err", err)
			continue
		}
		out = append(out, p.Summary())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// Load returns the shipped template key (a copy the caller may change).
func (s *Service) Load(key string) (*Package, error) {
	if !keyPattern.MatchString(key) || s.fsys == nil {
		return nil, fmt.Errorf("%w: template %q", engine.ErrNotFound, key)
	}
	s.mu.Lock()
	p, ok := s.loaded[key]
	s.mu.Unlock()
	if ok {
		return p.clone(), nil
	}
	if _, err := fs.Stat(s.fsys, key+"/template.json"); err != nil {
		return nil, fmt.Errorf("%w: template %q", engine.ErrNotFound, key)
	}
	sub, err := fs.Sub(s.fsys, key)
	if err != nil {
		return nil, err
	}
	p, err = ParseDir(sub)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.loaded[key] = p
	s.mu.Unlock()
	return p.clone(), nil
}

// parts returns the registered parts p has items of, in install order:
// each after the kinds its After names (unknown kinds are reported by
// Check).
func (s *Service) parts(p *Package) ([]engine.TemplatePart, error) {
	all := s.e.TemplateParts().All()
	byKind := map[string]engine.TemplatePart{}
	for _, part := range all {
		byKind[part.Kind] = part
	}
	state := map[string]int{}
	var out []engine.TemplatePart
	var visit func(k string) error
	visit = func(k string) error {
		part, ok := byKind[k]
		if !ok {
			return nil // "forms", "roles" or a kind not registered
		}
		switch state[k] {
		case 1:
			return fmt.Errorf("template: parts %q and its After form a cycle", k)
		case 2:
			return nil
		}
		state[k] = 1
		after := slices.Clone(part.After)
		sort.Strings(after)
		for _, d := range after {
			if err := visit(d); err != nil {
				return err
			}
		}
		state[k] = 2
		out = append(out, part)
		return nil
	}
	for _, part := range all {
		if err := visit(part.Kind); err != nil {
			return nil, err
		}
	}
	// Keep only the kinds p has items of, in that order.
	kept := out[:0]
	for _, part := range out {
		if len(p.Parts[part.Kind]) > 0 {
			kept = append(kept, part)
		}
	}
	return kept, nil
}

// isNotFound reports a missing item (an undo that finds nothing to undo).
func isNotFound(err error) bool {
	return errors.Is(err, engine.ErrNotFound) || errors.Is(err, store.ErrNotFound)
}
