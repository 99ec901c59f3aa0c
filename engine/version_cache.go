package engine

import (
	lru "github.com/hashicorp/golang-lru/v2"
)

// DefaultVersionCacheSize is how many compiled form versions an engine keeps
// by default. A compiled version holds its definition, compiled expressions
// and JSON Schema: tens of KB for a typical form, a few MB for the largest
// (500 fields with expressions), so the default bounds the cache to well
// under a GB even with the largest forms, and holds the current version of
// 1024 busy forms. A version dropped from the cache is read and compiled
// again when next used (docs/performance.md: publish cost).
const DefaultVersionCacheSize = 1024

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
