package cache

import (
	"reflect"
	"sync"

	lru "github.com/hashicorp/golang-lru/v2"
)

type Session struct{ User string }

// ruleid: go/unbounded-global-map
var byToken = map[string]*Session{}

func Login(token string, s *Session) { byToken[token] = s }

// A sync.Map written with Store and never deleted from.
// ruleid: go/unbounded-global-map
var requests sync.Map

func Track(reqID string, v any) { requests.Store(reqID, v) }

// A grouped declaration.
var (
	// ruleid: go/unbounded-global-map
	seen = make(map[uint64]struct{})
	// ok: go/unbounded-global-map
	evicted = make(map[string]int)
)

func Mark(h uint64) { seen[h] = struct{}{} }

func Count(k string) {
	evicted[k]++
	if len(evicted) > 1000 {
		for key := range evicted {
			delete(evicted, key)
		}
	}
}

// ok: go/unbounded-global-map
var loaded sync.Map

func Load(k string, v any) {
	if _, dup := loaded.LoadOrStore(k, v); dup {
		loaded.Delete(k)
	}
}

// Filled once at start-up from constants: bounded by the code.
// ok: go/unbounded-global-map
var mimeTypes = map[string]string{".html": "text/html", ".css": "text/css"}

func init() {
	mimeTypes[".js"] = "text/javascript"
}

// Keyed by reflect.Type: bounded by the program's types.
// ok: go/unbounded-global-map
var fieldCache = map[reflect.Type][]string{}

func fields(t reflect.Type) []string {
	if f, ok := fieldCache[t]; ok {
		return f
	}
	fieldCache[t] = nil
	return nil
}

// An enum-like key type.
type Kind uint8

// ok: go/unbounded-global-map
var kindNames = map[Kind]string{}

func name(k Kind, s string) { kindNames[k] = s }

// Reset by replacing the map.
// ok: go/unbounded-global-map
var generation = map[string]int{}

func Bump(k string) { generation[k]++ }
func ResetAll()     { generation = map[string]int{} }

// Registered at start-up by convention (database/sql.Register style).
// ok: go/unbounded-global-map
var drivers = make(map[string]any)

func Register(name string, d any) { drivers[name] = d }

// An LRU is bounded.
// ok: go/unbounded-global-map
var recent, _ = lru.New[string, *Session](1024)

// A long-lived store: held by a package-level variable, its map field only grows.
type Store struct {
	mu sync.Mutex
	// ruleid: go/unbounded-global-map
	byUser map[string]*Session
	// ok: go/unbounded-global-map
	byAddr map[string]*Session
}

var defaultStore = &Store{byUser: map[string]*Session{}, byAddr: map[string]*Session{}}

func (s *Store) Put(userID string, sess *Session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byUser[userID] = sess
	s.byAddr[sess.User] = sess
}

func (s *Store) Drop(addr string) {
	delete(s.byAddr, addr)
}

// A mutex alone does not make a value long-lived: per-request values carry mutexes too.
type conn struct {
	mu sync.Mutex
	// ok: go/unbounded-global-map
	pending map[uint32]string
}

func (c *conn) Track(id uint32, s string) {
	c.mu.Lock()
	c.pending[id] = s
	c.mu.Unlock()
}

// A package-level instance of a type with an exported constructor is one instance of many.
type Mux struct {
	// ok: go/unbounded-global-map
	routes map[string]func()
}

func NewMux() *Mux { return &Mux{routes: map[string]func(){}} }

var DefaultMux = NewMux()

func (m *Mux) Route(pattern string, h func()) { m.routes[pattern] = h }

// Only called from start-up code: runs once.
// ok: go/unbounded-global-map
var flags = map[string]string{}

func setFlag(k, v string) { flags[k] = v }

func parseArgs(args []string) {
	for _, a := range args {
		setFlag(a, "")
	}
}

func init() { parseArgs(nil) }

// A map field of a short-lived value is not reported.
type request struct {
	// ok: go/unbounded-global-map
	headers map[string]string
}

func (r *request) Set(k, v string) { r.headers[k] = v }

// Lazy initialisation is not a reset.
type Registry struct {
	// ruleid: go/unbounded-global-map
	byID map[int64]string
}

func (r *Registry) Add(id int64, v string) {
	if r.byID == nil {
		r.byID = make(map[int64]string)
	}
	r.byID[id] = v
}

// Suppressed with a reason.
// leaklint:ignore go/unbounded-global-map -- keys are the fixed set of tenants, loaded at boot
var tenants = map[string]int{}

func AddTenant(t string) { tenants[t] = len(tenants) }
