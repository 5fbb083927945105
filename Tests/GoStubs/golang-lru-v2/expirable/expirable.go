// Package expirable is a stand-in for github.com/hashicorp/golang-lru/v2/expirable, used only by
// leaklint's fix-compile tests (Debian packages only the v1 API of golang-lru). It declares the
// same exported names and signatures as the library's v2 API so that code rewritten by a
// leaklint fix type-checks against it; the bodies are minimal and this is not an LRU.
package expirable

import "time"

// EvictCallback is called when an entry is evicted.
type EvictCallback[K comparable, V any] func(key K, value V)

// LRU is a size-capped cache whose entries expire after a TTL.
type LRU[K comparable, V any] struct {
	size    int
	ttl     time.Duration
	onEvict EvictCallback[K, V]
	items   map[K]V
}

// NewLRU returns a cache of at most size entries (0: no limit), each expiring ttl after it was added.
func NewLRU[K comparable, V any](size int, onEvict EvictCallback[K, V], ttl time.Duration) *LRU[K, V] {
	return &LRU[K, V]{size: size, ttl: ttl, onEvict: onEvict, items: map[K]V{}}
}

// Add adds a value, reporting whether an entry was evicted to make room.
func (c *LRU[K, V]) Add(key K, value V) (evicted bool) { c.items[key] = value; return false }

// Get looks a key up.
func (c *LRU[K, V]) Get(key K) (value V, ok bool) { value, ok = c.items[key]; return }

// Peek looks a key up without updating its recency.
func (c *LRU[K, V]) Peek(key K) (value V, ok bool) { value, ok = c.items[key]; return }

// Contains reports whether the key is present.
func (c *LRU[K, V]) Contains(key K) (ok bool) { _, ok = c.items[key]; return }

// Remove removes a key, reporting whether it was present.
func (c *LRU[K, V]) Remove(key K) bool {
	_, ok := c.items[key]
	delete(c.items, key)
	return ok
}

// Len returns the number of entries.
func (c *LRU[K, V]) Len() int { return len(c.items) }

// Keys returns the keys.
func (c *LRU[K, V]) Keys() []K {
	out := make([]K, 0, len(c.items))
	for k := range c.items {
		out = append(out, k)
	}
	return out
}

// Values returns the values.
func (c *LRU[K, V]) Values() []V {
	out := make([]V, 0, len(c.items))
	for _, v := range c.items {
		out = append(out, v)
	}
	return out
}

// Purge removes every entry.
func (c *LRU[K, V]) Purge() { c.items = map[K]V{} }

// Resize changes the size cap, returning the number of entries evicted.
func (c *LRU[K, V]) Resize(size int) (evicted int) { c.size = size; return 0 }
