package tui

import (
	"sync"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/harkhq/hark/model"
)

type focusArea int

const (
	focusSessions focusArea = iota
	focusMain
	focusInspector
)

type mainMode int

const (
	modeTranscript mainMode = iota
	modeLogs
)

// Model is the monitor's root: it owns the layout, which part has focus and
// where keys go. Each part's drawing and keys live in their own file.
type Model struct {
	opts     Options
	store    *model.Store
	sub      *model.Subscription
	stop     chan struct{}
	stopOnce sync.Once
	interval time.Duration
	loc      *time.Location

	width, height int
	dark          bool
	st            *styles
	styleGen      uint32
	keys          keyMap
	help          help.Model

	endpoint Endpoint
	counts   model.Counts
	ix       *index

	focus    focusArea
	mainMode mainMode
	gridMode bool
	zoom     bool
	follow   bool

	sel      listSel // the session selected in the list
	insp     inspector
	grid     gridState
	timeline timelineState
	logs     logView
	dialogs  dialogStack
	flash    flash // the header's message
	icpt     interceptState

	filter filterBar // the filter as it is typed
	rb     readBack  // exchanges read back from the journal

	rulesSavedTo string // where s last saved the rules (no --rules file)
}

// New builds the monitor over opts.Store (an empty store when nil). It
// subscribes to the store at once, so nothing published after New is missed.
func New(opts Options) *Model {
	if opts.Store == nil {
		opts.Store = model.NewStore(model.StoreOptions{})
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Location == nil {
		opts.Location = time.Local
	}
	if opts.ReadOnly && opts.Endpoint.State == "" {
		opts.Endpoint.State = EndpointFile
	}
	interval := opts.BatchInterval
	switch {
	case interval <= 0:
		interval = DefaultBatchInterval
	case interval < 16*time.Millisecond:
		interval = 16 * time.Millisecond
	case interval > 33*time.Millisecond:
		interval = 33 * time.Millisecond
	}
	m := &Model{
		opts:     opts,
		store:    opts.Store,
		stop:     make(chan struct{}),
		interval: interval,
		loc:      opts.Location,
		width:    80,
		height:   24,
		dark:     true,
		keys:     newKeyMap(),
		help:     help.New(),
		endpoint: opts.Endpoint,
		ix:       newIndex(),
		follow:   !opts.ReadOnly,
	}
	m.ix.store, m.ix.readOnly = opts.Store, opts.ReadOnly
	m.ix.slide.keep = opts.Store.Keep()
	m.sel = listSel{ix: m.ix, rows: func() int { return max(1, (m.layout().sessions.h-1)/sessionRowHeight) }}
	m.icpt = interceptState{setting: opts.Intercept, holds: opts.Holds, readOnly: opts.ReadOnly}
	m.sub = m.store.Subscribe()
	m.ix.load(m.store)
	m.counts = m.store.Counts()
	m.filter = filterBar{input: newFilterInput(), ix: m.ix, sel: &m.sel, follow: &m.follow}
	if opts.ReadOnly {
		m.filter.input.Placeholder = "words (bodies too)  body:  platform:  kind:  status:4xx  source:edited"
	}
	m.filter.input.SetWidth(max(m.width/2, 10))
	m.logs = newLogView(opts.Logs)
	m.setStyles()
	if m.follow {
		m.sel.newest()
	} else if len(m.ix.vis) > 0 {
		m.sel.set(0)
	}
	if opts.Note != "" {
		m.dialogs.push(&noteDialog{source: opts.Source, note: opts.Note}, nil)
	}
	return m
}

// Close stops the monitor's background waits and its store subscription.
// Run calls it; a caller driving the Model itself should too.
func (m *Model) Close() {
	m.stopOnce.Do(func() {
		close(m.stop)
		m.sub.Close()
	})
}

// Init asks the terminal for its background colour and starts the feeds.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor, m.waitStore()}
	if m.opts.Endpoints != nil {
		cmds = append(cmds, m.waitEndpoint())
	}
	if m.opts.Logs != nil {
		cmds = append(cmds, m.waitLogs())
	}
	if !m.opts.ReadOnly {
		cmds = append(cmds, tick(), m.maybeOpenEditor(), m.icpt.startTick(m.counts.Held))
	}
	return tea.Batch(cmds...)
}

// Update routes messages: keys to the top dialog, the filter being typed, or
// the focused part; everything else to whoever it concerns. Whatever must
// be read back from the journal meanwhile (an exchange someone opened, the
// rows a filter could not decide from memory) gets a command that reads it.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.update(msg)
	switch msg.(type) {
	case tea.KeyPressMsg, tea.MouseClickMsg, tea.MouseWheelMsg, tea.WindowSizeMsg:
		m.peekTranscript() // what the next frame shows may need reading back
	}
	return m, tea.Batch(cmd, m.readBackCmd(), m.ix.searchJournal())
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.filter.input.SetWidth(max(m.width/2, 10))
		m.clampAll()
		return nil
	case tea.BackgroundColorMsg:
		m.dark = msg.IsDark()
		m.setStyles()
		return nil
	case batchMsg:
		flash := m.flash.id
		m.applyBatch(msg.changes)
		var clear tea.Cmd
		if m.flash.id != flash { // the batch had news (a fallback): keep it a while
			clear = m.flash.after(6 * time.Second)
		}
		return tea.Batch(m.waitStore(), m.filter.next(), m.maybeOpenEditor(), m.icpt.startTick(m.counts.Held), clear)
	case readBackMsg:
		return m.applyReadBack(msg)
	case filterStepMsg:
		return m.filter.step()
	case journalSearchMsg:
		m.ix.prefer = m.sel.selected()
		m.ix.applyJournalSearch(msg)
		m.sel.keep()
		return nil
	case endpointMsg:
		m.endpoint = Endpoint(msg)
		return m.waitEndpoint()
	case logsMsg:
		m.logs.pull()
		return m.waitLogs()
	case tickMsg:
		return tick()
	case heldTickMsg:
		m.icpt.ticking = false
		return m.icpt.startTick(m.counts.Held)
	case flashClearMsg:
		m.flash.clear(msg)
		return nil
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case tea.MouseClickMsg:
		return m.handleClick(msg.Mouse())
	case tea.MouseWheelMsg:
		m.handleWheel(msg.Mouse())
		return nil
	case tea.PasteMsg:
		if m.dialogs.len() > 0 {
			return m.toDialog(msg)
		}
		if m.filter.typing {
			return m.filter.update(msg)
		}
	}
	return m.handleResult(msg)
}

func (m *Model) setStyles() {
	m.st = newStyles(m.dark, m.opts.NoColor)
	m.styleGen++
	m.help.Styles = m.st.help
	m.filter.input.SetStyles(filterInputStyles(m.st))
	if m.icpt.editor != nil {
		m.icpt.editor.setStyles(m.st)
	}
}

// applyBatch folds store changes into the index and keeps the selection,
// the transcript and the inspector in step.
func (m *Model) applyBatch(changes []model.Change) {
	wasHeld := m.ix.heldAmong(changes)
	m.ix.prefer = m.sel.selected()
	m.ix.apply(changes, m.store)
	m.counts = m.store.Counts()
	m.heldChanged(changes, wasHeld)
	if m.insp.open {
		for i := range changes {
			if changes[i].Exchange.ID == m.insp.id {
				m.insp.update(changes[i].Exchange)
			}
		}
	}
	if m.follow {
		m.sel.newest()
	} else {
		m.sel.keep()
	}
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := &m.keys
	if m.dialogs.len() > 0 {
		return m.toDialog(msg)
	}
	if m.filter.typing {
		return m.filterKey(msg)
	}
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Help):
		m.dialogs.push(&helpDialog{}, nil)
		return nil
	case key.Matches(msg, k.Filter):
		m.gridMode = false
		return m.filter.start()
	case key.Matches(msg, k.CopyURL):
		return m.copyURL()
	case key.Matches(msg, k.Logs):
		m.toggleLogs()
		return nil
	case key.Matches(msg, k.Intercept):
		return m.cycleIntercept()
	case key.Matches(msg, k.Rules):
		return m.openRules()
	case m.ix.empty():
		if m.mainMode == modeLogs {
			m.logsKey(msg)
		}
		return nil
	case key.Matches(msg, k.Follow):
		m.follow = true
		m.sel.newest()
		return m.flash.say("following the newest session", flashShort)
	case key.Matches(msg, k.Held):
		return m.jumpHeld()
	case key.Matches(msg, k.Edit):
		return m.editHeld()
	case key.Matches(msg, k.BreakSession):
		return m.toggleBreak(false)
	case key.Matches(msg, k.BreakKind):
		return m.toggleBreak(true)
	case key.Matches(msg, k.Keep):
		return m.keepEdit()
	case key.Matches(msg, k.Export):
		return m.openExport()
	case key.Matches(msg, k.Grid):
		m.toggleGrid()
		return nil
	case key.Matches(msg, k.Timeline):
		return m.toggleTimeline()
	case key.Matches(msg, k.Resend), key.Matches(msg, k.ResendEdit):
		if m.gridMode {
			break // a session is selected there, not an exchange
		}
		return m.resendKey(key.Matches(msg, k.ResendEdit))
	case key.Matches(msg, k.Zoom):
		m.zoom = !m.zoom
		m.clampAll()
		return nil
	}
	if m.gridMode {
		return m.gridKey(msg)
	}
	if m.timeline.on {
		switch {
		case key.Matches(msg, k.Focus), key.Matches(msg, k.FocusBack):
			if m.insp.open && !m.layout().insOverlay {
				m.focus = pick2(m.focus == focusInspector, focusMain, focusInspector)
			}
			return nil
		case m.focus == focusInspector && m.insp.open:
			return m.inspectorKey(msg)
		}
		m.focus = focusMain
		return m.timelineKey(msg)
	}
	switch {
	case key.Matches(msg, k.Focus):
		m.cycleFocus(1)
		return nil
	case key.Matches(msg, k.FocusBack):
		m.cycleFocus(-1)
		return nil
	}
	switch m.focus {
	case focusSessions:
		return m.sessionsKey(msg)
	case focusMain:
		if m.mainMode == modeLogs {
			m.logsKey(msg)
			return nil
		}
		return m.transcriptKey(msg)
	case focusInspector:
		return m.inspectorKey(msg)
	}
	return nil
}

// cycleFocus moves focus between the panes that are on screen.
func (m *Model) cycleFocus(dir int) {
	if m.layout().insOverlay {
		return // the inspector covers the others
	}
	order := []focusArea{focusSessions, focusMain}
	if m.insp.open {
		order = append(order, focusInspector)
	}
	i := 0
	for j, f := range order {
		if f == m.focus {
			i = j
		}
	}
	m.focus = order[(i+dir+len(order))%len(order)]
}

// logsKey scrolls the log view, or leaves it for the sessions.
func (m *Model) logsKey(msg tea.KeyPressMsg) {
	if m.logs.key(&m.keys, msg, max(1, m.layout().main.h-1)) {
		m.toggleLogs()
		m.focus = focusSessions
	}
}

func (m *Model) toggleLogs() {
	m.timeline.on = false
	if m.mainMode == modeLogs {
		m.mainMode = modeTranscript
		m.logs.setOpen(false)
		return
	}
	m.gridMode = false
	m.mainMode = modeLogs
	m.focus = focusMain
	m.logs.setOpen(true)
}

func (m *Model) toggleGrid() {
	m.gridMode = !m.gridMode
	if m.gridMode {
		m.timeline.on = false
		m.mainMode = modeTranscript
		m.grid.sel = max(0, m.sel.idx)
		m.grid.top = 0
	}
}

// quit asks first when exchanges are held: quitting releases them with
// their fallback responses.
func (m *Model) quit() tea.Cmd {
	if m.counts.Held > 0 && !m.opts.ReadOnly {
		m.dialogs.push(&confirmQuit{held: m.counts.Held}, nil)
		return nil
	}
	m.Close()
	return tea.Quit
}

// now is the clock ages are measured against: in read-only mode, the newest
// exchange, so a history reads the same whenever it is opened.
func (m *Model) now() time.Time {
	if m.opts.ReadOnly {
		return m.ix.newest
	}
	return m.opts.Now()
}

// clampAll keeps every scroll position valid after a resize or a change of
// layout.
func (m *Model) clampAll() {
	m.sel.keep()
}

func (ix *index) empty() bool { return len(ix.order) == 0 }

func pick2[T any](cond bool, yes, no T) T {
	if cond {
		return yes
	}
	return no
}
