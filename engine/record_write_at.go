package engine

// backdate moves the write's clock to opts.At when the write may be
// backdated: a trusted internal write (Source import) by a workspace
// admin, such as the sample data a template installs or an import of
// records with their history. The record's created/updated times, its
// history entry, its event and whatever the pipeline's hooks stamp with
// the write's Now (stage transitions) all take that time. A time in the
// future, or any other source, is ignored: API and UI writes always happen
// now.
func (w *write) backdate(opts WriteOptions) {
	if opts.At.IsZero() || w.a.Source != SourceImport || w.a.Role != RoleAdmin {
		return
	}
	if opts.At.After(w.ctx.Now) {
		return
	}
	w.ctx.Now = opts.At
}
