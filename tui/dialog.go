package tui

import (
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/harkhq/hark/model"
)

// Dialogs stack over the screen, each drawn over the one it was opened
// from: the top one gets every key and paste, and the help bar shows its
// keys. A dialog changes nothing outside itself. It reads what it needs to
// draw from a dialogContext, and answers each message with an action
// (actions.go) that the root model carries out in one place: close, send
// the edit, keep as a rule, open another dialog, export, quit…
//
// The dialogs: the quit confirmation, the full help and a history's note
// (dialog_basic.go), the response editor and its templates (editor*.go,
// templates.go), keeping an edit as a rule (keep.go), the rules
// (rulesview.go) and export (export.go).
type dialog interface {
	// handle takes a key press or a paste and says what is to happen.
	handle(c *dialogContext, msg tea.Msg) action
	// view draws the dialog's box for a screen of w×h cells.
	view(c *dialogContext, w, h int) string
	help(k *keyMap) []key.Binding
}

// dialogContext is what dialogs may know of the monitor: how to draw, the
// keys, the clock and the few facts they show. The root builds it afresh
// for every call; dialogs only read it.
type dialogContext struct {
	st       *styles
	styleGen uint32 // bumped with every change of styles, for caches
	keys     *keyMap
	now      time.Time
	held     int // exchanges held now

	rules        ruleBook // nil when rules are not available
	rulesFile    string   // --rules FILE: rules are saved there after every change
	rulesSavedTo string   // where s saved them last, without a rules file
	canSaveRules bool     // a rules file can be written from the dialog
	forward      string   // the --forward target, "" when there is none
}

// ruleBook is what dialogs read of the rules; changing them is an action.
type ruleBook interface {
	List() []model.Rule
	Version() uint64
}

// dialogContext is built from the root's state.
func (m *Model) dialogContext() *dialogContext {
	c := &dialogContext{
		st: m.st, styleGen: m.styleGen, keys: &m.keys, now: m.now(), held: m.counts.Held,
		rulesFile: m.opts.RulesFile, rulesSavedTo: m.rulesSavedTo,
		canSaveRules: m.opts.SaveRules != nil, forward: m.opts.Forward,
	}
	if m.opts.Rules != nil {
		c.rules = m.opts.Rules
	}
	return c
}

// dialogStack is the dialogs open, bottom first. A dialog opened on behalf
// of another (the templates of an editor) belongs to it and closes with it.
type dialogStack struct {
	open  []dialog
	owner map[dialog]dialog
}

func (s *dialogStack) len() int { return len(s.open) }

// top is the dialog in front, nil when none is open.
func (s *dialogStack) top() dialog {
	if len(s.open) == 0 {
		return nil
	}
	return s.open[len(s.open)-1]
}

// push opens d in front; owner, when not nil, is the dialog it belongs to.
func (s *dialogStack) push(d, owner dialog) {
	s.open = append(s.open, d)
	if owner != nil {
		if s.owner == nil {
			s.owner = make(map[dialog]dialog)
		}
		s.owner[d] = owner
	}
}

// has reports whether d is open.
func (s *dialogStack) has(d dialog) bool { return d != nil && slices.Contains(s.open, d) }

// close takes d off the stack, with every dialog that belongs to it.
func (s *dialogStack) close(d dialog) {
	gone := map[dialog]bool{d: true}
	for changed := true; changed; { // owners may own owners
		changed = false
		for x, o := range s.owner {
			if gone[o] && !gone[x] {
				gone[x], changed = true, true
			}
		}
	}
	s.open = slices.DeleteFunc(s.open, func(x dialog) bool { return gone[x] })
	for x := range gone {
		delete(s.owner, x)
	}
}

// overlay draws box centred over the lines of a w-wide screen region.
func overlay(lines []string, box string, w int) []string {
	boxLines := strings.Split(box, "\n")
	bw := lipgloss.Width(box)
	if bw > w {
		for i := range boxLines {
			boxLines[i] = ansi.Truncate(boxLines[i], w, "")
		}
		bw = w
	}
	y0 := max(0, (len(lines)-len(boxLines))/2)
	x0 := max(0, (w-bw)/2)
	for i, bl := range boxLines {
		y := y0 + i
		if y >= len(lines) {
			break
		}
		bg := lines[y]
		left := ansi.Truncate(bg, x0, "")
		right := ansi.TruncateLeft(bg, x0+bw, "")
		lines[y] = left + ansi.ResetStyle + fitRight(bl, bw) + ansi.ResetStyle + right
	}
	return lines
}
