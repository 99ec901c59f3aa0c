package live

// ring keeps the most recent events for resuming. Every watched event
// after floor is in it: a resume point at or after floor replays exactly
// what was missed, an older one cannot.
type ring struct {
	buf   []Event
	start int // index of the oldest
	n     int
	floor int64
}

func newRing(size int) ring { return ring{buf: make([]Event, size)} }

// push adds an event, evicting the oldest when full.
func (r *ring) push(ev Event) {
	if r.n == len(r.buf) {
		r.floor = r.buf[r.start].ID
		r.buf[r.start] = ev
		r.start = (r.start + 1) % len(r.buf)
		return
	}
	r.buf[(r.start+r.n)%len(r.buf)] = ev
	r.n++
}

// since returns the events after id of the forms in want, oldest first,
// and false when events after id may have been evicted.
func (r *ring) since(id int64, want map[string]bool) ([]Event, bool) {
	if id < r.floor {
		return nil, false
	}
	var out []Event
	for i := range r.n {
		ev := r.buf[(r.start+i)%len(r.buf)]
		if ev.ID > id && want[ev.Form] {
			out = append(out, ev)
		}
	}
	return out, true
}
