package expr

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/expr-lang/expr/vm"
)

// Program is a compiled expression. It is immutable and safe for
// concurrent use; compile it once when a design is published and keep it
// next to the design.
type Program struct {
	source string
	typ    Type
	prog   *vm.Program
	// withCtx is set when the program reads more than the record's own
	// fields (old, user, now, library functions, budgeted operations); it
	// then runs against a small environment map instead of Input.New.
	withCtx bool
	// reads are the field keys the program reads (sorted); cost is its
	// static cost, charged to a shared Budget on every run.
	reads []string
	cost  int
	// states recycles run states (VM stacks and environments) so a run
	// does not allocate.
	states *sync.Pool
}

// runState is the per-run context: the input, the work counter, a VM and
// the environment map. Library functions receive it as a hidden argument.
type runState struct {
	new, old, user map[string]any
	vars           map[string]any
	now            time.Time
	loc            *time.Location
	work           int
	budget         *Budget
	vm             vm.VM
	env            map[string]any
	empty          map[string]any
}

func newProgram(src string, typ Type, prog *vm.Program, withCtx bool, reads []string, nodes int) *Program {
	return &Program{
		source: src, typ: typ, prog: prog, withCtx: withCtx, reads: reads, cost: max(nodes, 1),
		states: &sync.Pool{New: func() any {
			return &runState{
				vm:    vm.VM{MemoryBudget: MaxMemory},
				env:   make(map[string]any, 5),
				empty: map[string]any{},
			}
		}},
	}
}

// Source returns the source text the program was compiled from.
func (p *Program) Source() string { return p.source }

// Type returns the inferred result type.
func (p *Program) Type() Type { return p.typ }

// Reads returns the field keys the program reads, from its syntax tree:
// bare field names, new.key and changed("key"). A member of a field
// (address.city) counts as reading the field, old.key does not count (it
// reads the stored record). The slice is shared; do not modify it.
func (p *Program) Reads() []string { return p.reads }

// Cost returns the static cost a run charges to a shared Budget: the size of
// its syntax tree. Work done walking lists and text is charged on top.
func (p *Program) Cost() int { return p.cost }

// Run evaluates the program. Integer results are returned as float64 so
// every number is a float64 like field values are.
func (p *Program) Run(in Input) (any, error) {
	out, err := p.run(&in)
	if err != nil {
		return nil, err
	}
	return normalize(out), nil
}

// Bool evaluates a condition. A run-time error, or a result that is not a
// boolean, returns false and the error: the condition did not match.
func (p *Program) Bool(in Input) (bool, error) {
	out, err := p.run(&in)
	if err != nil {
		return false, err
	}
	b, ok := out.(bool)
	if !ok {
		if out == nil {
			return false, nil
		}
		return false, fmt.Errorf("expr: condition %q returned %T, not a boolean", p.source, out)
	}
	return b, nil
}

func (p *Program) run(in *Input) (any, error) {
	if in.Budget != nil {
		if err := in.Budget.charge(p.cost); err != nil {
			return nil, err
		}
	}
	st := p.states.Get().(*runState)
	defer p.states.Put(st)
	var env map[string]any
	if p.withCtx {
		st.start(in)
		env = st.env
		defer st.finish()
	} else {
		env = in.New
	}
	out, err := st.vm.Run(p.prog, env)
	if err != nil {
		return nil, runError(err)
	}
	return out, nil
}

// start fills the state and the environment for one run.
func (st *runState) start(in *Input) {
	st.new, st.old, st.user, st.vars = in.New, in.Old, in.User, in.Vars
	if st.new == nil {
		st.new = st.empty
	}
	if st.old == nil {
		st.old = st.empty
	}
	if st.user == nil {
		st.user = st.empty
	}
	st.now, st.loc, st.budget = in.Now, in.Location, in.Budget
	if st.loc == nil {
		st.loc = time.UTC
	}
	if st.now.IsZero() {
		st.now = time.Now()
	}
	st.work = 0
	st.env[nameNew] = st.new
	st.env[nameOld] = st.old
	st.env[nameUser] = st.user
	st.env[nameNow] = st.now
	st.env[ctxName] = st
	for k, v := range st.vars {
		st.env[k] = v
	}
}

// finish drops references to the caller's data before the state is reused.
func (st *runState) finish() {
	st.new, st.old, st.user, st.vars, st.budget = nil, nil, nil, nil, nil
	clear(st.env)
}

// charge adds n to the run's work and fails when the budget is spent.
func (st *runState) charge(n int) error {
	st.work += n
	if st.work > MaxWork {
		return fmt.Errorf("%w: more than %d steps of work", ErrLimit, MaxWork)
	}
	if st.budget != nil {
		return st.budget.charge(n)
	}
	return nil
}

// Budget is the work budget shared by every expression run of one record
// write: each run charges its static Cost, and the work its list walks,
// text reads and library calls do. Once spent, every further run fails
// with ErrWriteBudget (which wraps ErrLimit). A Budget is not safe for
// concurrent use; a write runs its expressions one after another.
type Budget struct {
	max, used int
}

// NewBudget returns a budget of max units; max <= 0 means MaxWriteWork.
func NewBudget(max int) *Budget {
	if max <= 0 {
		max = MaxWriteWork
	}
	return &Budget{max: max}
}

// ErrWriteBudget reports that the runs of one write spent their shared
// Budget. It wraps ErrLimit.
var ErrWriteBudget = fmt.Errorf("%w: the write's expressions spent their shared work budget", ErrLimit)

// Used returns the units charged so far.
func (b *Budget) Used() int { return b.used }

// Max returns the size of the budget.
func (b *Budget) Max() int { return b.max }

// Exceeded reports whether a run was refused because the budget was spent.
func (b *Budget) Exceeded() bool { return b.used > b.max }

func (b *Budget) charge(n int) error {
	b.used += n
	if b.used > b.max {
		return ErrWriteBudget
	}
	return nil
}

// runError wraps a VM error; a spent memory budget becomes ErrLimit.
func runError(err error) error {
	if errors.Is(err, ErrLimit) {
		return fmt.Errorf("expr: %w", err)
	}
	if strings.Contains(err.Error(), "memory budget exceeded") {
		return fmt.Errorf("expr: %w: %w", ErrLimit, err)
	}
	return fmt.Errorf("expr: %w", err)
}

// normalize turns the integers expr-lang produces for integer literals into
// float64, inside lists and objects too.
func normalize(v any) any {
	switch x := v.(type) {
	case nil, string, float64, bool, time.Time:
		return v
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case float32:
		return float64(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	case []int:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = float64(e)
		}
		return out
	case []float64:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = e
		}
		return out
	case []string:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = e
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalize(e)
		}
		return out
	}
	if n, ok := toFloat(v); ok {
		return n
	}
	return v
}
