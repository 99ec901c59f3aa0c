package engine

import (
	lru "github.com/hashicorp/golang-lru/v2"
)

// DefaultVersionCacheSize is how many compiled form versions an engine keeps
// by default. Measured (heap per compiled version, go test in engine): 42 KB
// for a typical 20-field form, about 1 MB for a 500-field form with an
// expression on every field. 256 versions hold the current version of 256
// busy forms in about 11 MB typically and at most about 256 MB if every one
// were of the largest kind. A version dropped from the cache is read and
// compiled again when next used.
const DefaultVersionCacheSize = 256

// versionCache keeps compiled, immutable versions by versionKey, least
// recently used dropped first. It is safe for concurrent use.
type versionCache struct {
	c *lru.Cache[string, *Version]
}

func newVersionCache(size int) *versionCache {
	if size <= 0 {
		size = DefaultVersionCacheSize
	}
	c, err := lru.New[string, *Version](size)
	if err != nil {
		panic("engine: version cache: " + err.Error()) // only for size <= 0, excluded above
	}
	return &versionCache{c: c}
}

// Load returns the cached version for key.
func (vc *versionCache) Load(key string) (*Version, bool) { return vc.c.Get(key) }

// Store caches v under key.
func (vc *versionCache) Store(key string, v *Version) { vc.c.Add(key, v) }

// Len returns the number of cached versions.
func (vc *versionCache) Len() int { return vc.c.Len() }
