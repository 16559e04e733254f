package tui

import (
	"strconv"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/harkhq/hark/filter"
)

// The filter bar replaces the help bar while a filter is typed; the filter
// applies as it is typed. enter keeps it, esc clears it.

func newFilterInput() textinput.Model {
	ti := textinput.New()
	ti.Prompt = "/ "
	ti.Placeholder = "words  platform:  kind:  status:4xx  state:held  session:"
	ti.CharLimit = 200
	return ti
}

func filterInputStyles(st *styles) textinput.Styles {
	s := textinput.DefaultStyles(true)
	s.Focused.Prompt = st.accentBold
	s.Focused.Text = st.text
	s.Focused.Placeholder = st.muted
	s.Blurred = s.Focused
	s.Cursor.Color = nil
	if !st.noColor {
		s.Cursor.Color = st.accent.GetForeground()
	}
	s.Cursor.Blink = false // a still cursor: no timer, and steady views to test
	return s
}

// filterBar is the filter as it is typed: the text field, whether it has
// the keys, and whether the next step of a long filter is on its way. What
// is typed applies at once to the index, keeping the selection in place; a
// filter stops following the newest session.
type filterBar struct {
	input    textinput.Model
	typing   bool
	stepping bool // a filterStepMsg is on its way

	ix     *index
	sel    *listSel
	follow *bool // the monitor's follow mode
}

// start gives the bar the keys, with the filter in force to edit.
func (f *filterBar) start() tea.Cmd {
	f.typing = true
	f.input.SetValue(f.ix.filter.Raw)
	f.input.CursorEnd()
	return f.input.Focus()
}

// stop takes the keys back; the filter stays in force.
func (f *filterBar) stop() {
	f.typing = false
	f.input.Blur()
}

// update takes a key or a paste into the field and applies the text.
func (f *filterBar) update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	f.input, cmd = f.input.Update(msg)
	if q := filter.Parse(f.input.Value()); q.Raw != f.ix.filter.Raw {
		f.set(q)
	}
	return tea.Batch(cmd, f.next())
}

// filterStepMsg goes on applying a filter over a long history.
type filterStepMsg struct{}

// next schedules the next part of a filter still being applied; keys and
// batches are handled in between.
func (f *filterBar) next() tea.Cmd {
	if !f.ix.pending || f.stepping {
		return nil
	}
	f.stepping = true
	return func() tea.Msg { return filterStepMsg{} }
}

// step applies the next part of the filter.
func (f *filterBar) step() tea.Cmd {
	f.stepping = false
	if f.ix.pending {
		f.ix.prefer = f.sel.selected()
		f.ix.refilter()
		f.sel.keep()
	}
	return f.next()
}

func (f *filterBar) set(q *filter.Query) {
	f.ix.prefer = f.sel.selected()
	f.ix.setFilter(q)
	*f.follow = *f.follow && q.Empty()
	f.sel.keep()
}

func (f *filterBar) clear() {
	f.input.SetValue("")
	f.set(&filter.Query{})
}

// view draws the filter being typed, with what the parser did not
// understand.
func (f *filterBar) view(st *styles, w int) string {
	line := f.input.View()
	if p := f.ix.filter.Problem; p != "" {
		return spread(line, st.warn.Render(p)+" ", w)
	}
	if f.ix.pending {
		return spread(line, st.muted.Render("filtering "+strconv.Itoa(f.ix.progress())+"% · "+plural(len(f.ix.vis), "session")+" ")+"", w)
	}
	if n := f.ix.readingJournal(); n > 0 {
		return spread(line, st.muted.Render("reading "+plural(n, "older exchange")+" from the journal · "+plural(len(f.ix.vis), "session")+" "), w)
	}
	n := st.muted.Render(plural(len(f.ix.vis), "session") + " ")
	return spread(line, n, w)
}

// filterKey handles a key while the filter is typed: enter keeps it, esc
// clears it; either may let a held exchange's editor open.
func (m *Model) filterKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.FilterApply):
		m.filter.stop()
		return m.maybeOpenEditor() // one may have been held meanwhile
	case key.Matches(msg, m.keys.FilterClear):
		m.filter.stop()
		m.filter.clear()
		return m.maybeOpenEditor()
	case msg.String() == "ctrl+c":
		return m.quit()
	}
	return m.filter.update(msg)
}
