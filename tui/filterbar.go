package tui

import (
	"strconv"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
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

func (m *Model) startFilter() tea.Cmd {
	m.filtering = true
	m.gridMode = false
	m.filterInput.SetValue(m.ix.filter.raw)
	m.filterInput.CursorEnd()
	return m.filterInput.Focus()
}

func (m *Model) filterKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.FilterApply):
		m.filtering = false
		m.filterInput.Blur()
		return m.maybeOpenEditor() // one may have been held meanwhile
	case key.Matches(msg, m.keys.FilterClear):
		m.filtering = false
		m.filterInput.Blur()
		m.clearFilter()
		return m.maybeOpenEditor()
	case msg.String() == "ctrl+c":
		return m.quit()
	}
	var cmd tea.Cmd
	m.filterInput, cmd = m.filterInput.Update(msg)
	m.applyFilterText()
	return tea.Batch(cmd, m.continueFilter())
}

// filterStepMsg goes on applying a filter over a long history.
type filterStepMsg struct{}

// continueFilter schedules the next part of a filter still being applied;
// keys and batches are handled in between.
func (m *Model) continueFilter() tea.Cmd {
	if !m.ix.pending || m.stepping {
		return nil
	}
	m.stepping = true
	return func() tea.Msg { return filterStepMsg{} }
}

func (m *Model) filterStep() tea.Cmd {
	m.stepping = false
	if m.ix.pending {
		m.ix.prefer = m.sel.selected()
		m.ix.refilter()
		m.sel.keep()
	}
	return m.continueFilter()
}

// applyFilterText applies what is typed, when it means something new.
func (m *Model) applyFilterText() {
	q := parseQuery(m.filterInput.Value())
	if q.raw == m.ix.filter.raw {
		return
	}
	m.setFilter(q)
}

func (m *Model) setFilter(q *query) {
	m.ix.prefer = m.sel.selected()
	m.ix.setFilter(q)
	m.follow = m.follow && q.empty()
	m.sel.keep()
}

func (m *Model) clearFilter() {
	m.filterInput.SetValue("")
	m.setFilter(&query{})
}

// filterBar draws the filter being typed, with what the parser did not
// understand.
func (m *Model) filterBar(w int) string {
	line := m.filterInput.View()
	if p := m.ix.filter.problem; p != "" {
		return spread(line, m.st.warn.Render(p)+" ", w)
	}
	if m.ix.pending {
		return spread(line, m.st.muted.Render("filtering "+strconv.Itoa(m.ix.progress())+"% · "+plural(len(m.ix.vis), "session")+" ")+"", w)
	}
	n := m.st.muted.Render(plural(len(m.ix.vis), "session") + " ")
	return spread(line, n, w)
}
