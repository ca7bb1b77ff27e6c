package sqldb

import (
	"sync"

	hansei "github.com/hansei-dev/hansei"
)

// projectionCache holds incidents as this process last committed them. A
// change starts from the cached projection instead of reading it back, and
// its update is guarded by the sequence number the projection had: if
// another writer (another instance, on PostgreSQL) moved the incident on,
// the guard matches nothing and the change is decided again from the table.
// Reads never use the cache, so they always see every instance's writes.
type projectionCache struct {
	mu sync.Mutex
	m  map[int64]hansei.Incident
}

// maxCachedProjections bounds the cache: incidents being worked on now.
const maxCachedProjections = 1024

func (c *projectionCache) get(number int64) (hansei.Incident, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	inc, ok := c.m[number]
	return inc, ok
}

func (c *projectionCache) put(inc hansei.Incident) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[int64]hansei.Incident{}
	}
	if _, ok := c.m[inc.Number]; !ok && len(c.m) >= maxCachedProjections {
		for n := range c.m { // evict one; which matters little
			delete(c.m, n)
			break
		}
	}
	c.m[inc.Number] = inc
}

func (c *projectionCache) drop(number int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, number)
}
