package access

// CacheSize returns how many items p caches, for tests of the bound.
func CacheSize(p *Policy) int {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.size
}
