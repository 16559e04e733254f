package model

import (
	"cmp"
	"fmt"
	"slices"
	"sync"
)

// InterceptMode says which exchanges are held for the user.
type InterceptMode string

const (
	InterceptOff      InterceptMode = "off"      // none, but for breakpoints
	InterceptConsumed InterceptMode = "consumed" // webhooks whose response the platform acts on
	InterceptAll      InterceptMode = "all"      // every webhook
)

// ParseInterceptMode reads a mode as the --intercept flag takes it.
func ParseInterceptMode(s string) (InterceptMode, error) {
	switch m := InterceptMode(s); m {
	case InterceptOff, InterceptConsumed, InterceptAll:
		return m, nil
	}
	return "", fmt.Errorf("intercept mode %q: expected off, consumed or all", s)
}

// Next is the mode a key press cycles to.
func (m InterceptMode) Next() InterceptMode {
	switch m {
	case InterceptOff:
		return InterceptConsumed
	case InterceptConsumed:
		return InterceptAll
	}
	return InterceptOff
}

// KindKey names a kind of webhook of one platform, for breakpoints.
type KindKey struct {
	Platform string
	Kind     string
}

func (k KindKey) String() string { return k.Platform + "/" + k.Kind }

// Intercept is the shared intercept setting: the user changes it from the
// monitor, the receiver reads it for every exchange. Safe for concurrent use.
type Intercept struct {
	mu       sync.RWMutex
	mode     InterceptMode
	sessions map[SessionKey]bool
	kinds    map[KindKey]bool
	version  uint64
}

// NewIntercept starts in the given mode with no breakpoints.
func NewIntercept(mode InterceptMode) *Intercept {
	if mode == "" {
		mode = InterceptOff
	}
	return &Intercept{mode: mode, sessions: map[SessionKey]bool{}, kinds: map[KindKey]bool{}}
}

// Mode returns the current mode.
func (in *Intercept) Mode() InterceptMode {
	in.mu.RLock()
	defer in.mu.RUnlock()
	return in.mode
}

// SetMode changes the mode.
func (in *Intercept) SetMode(m InterceptMode) {
	in.mu.Lock()
	in.mode = m
	in.version++
	in.mu.Unlock()
}

// ToggleSession sets or clears a breakpoint on a session; it reports
// whether the breakpoint is now set.
func (in *Intercept) ToggleSession(k SessionKey) bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.version++
	if in.sessions[k] {
		delete(in.sessions, k)
		return false
	}
	in.sessions[k] = true
	return true
}

// ToggleKind sets or clears a breakpoint on a platform's kind of webhook.
func (in *Intercept) ToggleKind(k KindKey) bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.version++
	if in.kinds[k] {
		delete(in.kinds, k)
		return false
	}
	in.kinds[k] = true
	return true
}

// Breakpoints lists the breakpoints set, sessions then kinds, sorted.
func (in *Intercept) Breakpoints() ([]SessionKey, []KindKey) {
	in.mu.RLock()
	defer in.mu.RUnlock()
	var ss []SessionKey
	for k := range in.sessions {
		ss = append(ss, k)
	}
	var ks []KindKey
	for k := range in.kinds {
		ks = append(ks, k)
	}
	slices.SortFunc(ss, func(a, b SessionKey) int { return cmp.Compare(a.String(), b.String()) })
	slices.SortFunc(ks, func(a, b KindKey) int { return cmp.Compare(a.String(), b.String()) })
	return ss, ks
}

// HasSession and HasKind report a breakpoint.
func (in *Intercept) HasSession(k SessionKey) bool {
	in.mu.RLock()
	defer in.mu.RUnlock()
	return in.sessions[k]
}

func (in *Intercept) HasKind(k KindKey) bool {
	in.mu.RLock()
	defer in.mu.RUnlock()
	return in.kinds[k]
}

// Version increases with every change, for views.
func (in *Intercept) Version() uint64 {
	in.mu.RLock()
	defer in.mu.RUnlock()
	return in.version
}

// Holds reports whether an exchange is to be held: every webhook in mode
// all, consumed ones in mode consumed (not those whose use is unknown: hark
// would hold a platform it knows nothing of for a deadline it made up), and any webhook of a session or kind
// with a breakpoint. Requests that are not webhooks (a GET that is not a
// handshake, a rejection) are never held; the receiver decides that.
func (in *Intercept) Holds(ex *Exchange) bool {
	in.mu.RLock()
	defer in.mu.RUnlock()
	switch {
	case in.mode == InterceptAll:
		return true
	case in.mode == InterceptConsumed && ex.Consumed():
		return true
	case in.sessions[ex.Session()]:
		return true
	}
	return in.kinds[KindKey{ex.Platform, ex.Kind}]
}
