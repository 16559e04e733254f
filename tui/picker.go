package tui

import (
	"context"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/harkhq/hark/filter"
)

// The journal picker (`hark open` without a file): the journals kept in the
// journal directory, newest first, with size and age; / filters them by
// name, enter opens one, esc or q leaves without choosing.

// JournalEntry is one journal the picker offers.
type JournalEntry struct {
	Path     string // what PickJournal returns when it is chosen
	Name     string // what the list shows, e.g. hark-2025-06-02.jsonl
	Size     int64
	Modified time.Time
}

// PickJournal lets the user choose one of entries and returns its Path, or
// "" and nil when they leave without choosing (or ctx ends). dir is where
// journals are kept, shown when there are none. progOpts are passed to
// tea.NewProgram.
func PickJournal(ctx context.Context, dir string, entries []JournalEntry, progOpts ...tea.ProgramOption) (string, error) {
	p := newPicker(dir, entries, time.Now(), time.Local, os.Getenv("NO_COLOR") != "")
	final, err := runProgram(ctx, p, progOpts...)
	if err != nil {
		return "", err
	}
	if fp, ok := final.(*picker); ok {
		return fp.chosen, nil
	}
	return "", nil
}

type picker struct {
	dir       string
	all       []JournalEntry // newest first
	vis       []JournalEntry // all, filtered
	sel, top  int
	filter    textinput.Model
	filtering bool
	now       time.Time
	loc       *time.Location
	st        *styles
	noColor   bool
	help      help.Model
	chosen    string
	width     int
	height    int
}

func newPicker(dir string, entries []JournalEntry, now time.Time, loc *time.Location, noColor bool) *picker {
	all := slices.Clone(entries)
	slices.SortStableFunc(all, func(a, b JournalEntry) int { return b.Modified.Compare(a.Modified) })
	p := &picker{dir: dir, all: all, vis: all, now: now, loc: loc, noColor: noColor, help: help.New(), width: 80, height: 24}
	p.filter = textinput.New()
	p.filter.Prompt = "/ "
	p.filter.Placeholder = "part of a name"
	p.filter.CharLimit = 200
	p.setStyles(true)
	return p
}

func (p *picker) setStyles(dark bool) {
	p.st = newStyles(dark, p.noColor)
	p.help.Styles = p.st.help
	p.filter.SetStyles(filterInputStyles(p.st))
}

var (
	pickOpenKey   = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open"))
	pickFilterKey = key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter"))
	pickQuitKey   = key.NewBinding(key.WithKeys("q", "esc"), key.WithHelp("q/esc", "cancel"))
	pickMoveKey   = key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑↓", "move"))
)

func (p *picker) Init() tea.Cmd { return tea.RequestBackgroundColor }

func (p *picker) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		p.width, p.height = msg.Width, msg.Height
		p.filter.SetWidth(max(p.width/2, 10))
		p.clamp()
	case tea.BackgroundColorMsg:
		p.setStyles(msg.IsDark())
	case tea.PasteMsg:
		if p.filtering {
			var cmd tea.Cmd
			p.filter, cmd = p.filter.Update(msg)
			p.refilter()
			return p, cmd
		}
	case tea.KeyPressMsg:
		return p, p.key(msg)
	}
	return p, nil
}

func (p *picker) key(msg tea.KeyPressMsg) tea.Cmd {
	s := msg.String()
	if s == "ctrl+c" {
		return tea.Quit
	}
	if p.filtering {
		switch s {
		case "enter":
			p.filtering = false
			p.filter.Blur()
		case "esc":
			p.filtering = false
			p.filter.Blur()
			p.filter.SetValue("")
			p.refilter()
		case "up", "down":
			p.move(map[string]int{"up": -1, "down": 1}[s])
		default:
			var cmd tea.Cmd
			p.filter, cmd = p.filter.Update(msg)
			p.refilter()
			return cmd
		}
		return nil
	}
	rows := p.rows()
	switch s {
	case "q":
		return tea.Quit
	case "esc":
		if p.filter.Value() != "" {
			p.filter.SetValue("")
			p.refilter()
			return nil
		}
		return tea.Quit
	case "enter":
		if p.sel < len(p.vis) {
			p.chosen = p.vis[p.sel].Path
			return tea.Quit
		}
	case "/":
		p.filtering = true
		return p.filter.Focus()
	case "up", "k":
		p.move(-1)
	case "down", "j":
		p.move(1)
	case "pgup":
		p.move(-rows)
	case "pgdown", "space":
		p.move(rows)
	case "home", "g":
		p.move(-len(p.vis))
	case "end", "G":
		p.move(len(p.vis))
	}
	return nil
}

func (p *picker) refilter() {
	v := strings.ToLower(strings.TrimSpace(p.filter.Value()))
	if v == "" {
		p.vis = p.all
	} else {
		p.vis = nil
		for _, e := range p.all {
			if filter.ContainsFold(e.Name, v) {
				p.vis = append(p.vis, e)
			}
		}
	}
	p.sel, p.top = 0, 0
}

func (p *picker) move(d int) {
	p.sel += d
	p.clamp()
}

// rows is how many journals fit: the title, a blank line and the help bar
// take three lines.
func (p *picker) rows() int { return max(p.height-4, 1) }

func (p *picker) clamp() {
	p.sel = min(max(p.sel, 0), max(len(p.vis)-1, 0))
	rows := p.rows()
	if p.sel < p.top {
		p.top = p.sel
	}
	if p.sel >= p.top+rows {
		p.top = p.sel - rows + 1
	}
	p.top = min(max(p.top, 0), max(len(p.vis)-rows, 0))
}

func (p *picker) View() tea.View {
	v := tea.NewView(p.render())
	v.AltScreen = true
	v.WindowTitle = "hark open"
	return v
}

// render draws the list, or says where journals are kept when there are
// none, in exactly the terminal's size.
func (p *picker) render() string {
	st := p.st
	w, h := p.width, p.height
	if len(p.all) == 0 {
		dir := oneLine(p.dir)
		if dir == "" {
			dir = "the journal directory"
		}
		lines := []string{
			st.bold.Render("No journals yet."), "",
			"hark keeps a journal of every run in",
			"  " + st.accent.Render(dir), "",
			st.muted.Render("Run hark (or hark demo --journal FILE) to record one;"),
			st.muted.Render("hark open FILE opens a journal anywhere."), "",
			st.muted.Render("q quits"),
		}
		return strings.Join(center(lines, w, h), "\n")
	}
	count := plural(len(p.all), "journal")
	if len(p.vis) != len(p.all) {
		count = strconv.Itoa(len(p.vis)) + "/" + count
	}
	out := []string{spread(" "+st.accentBold.Render("hark open")+st.muted.Render(" · pick a journal to browse"), st.muted.Render(count)+" ", w), spaces(w)}
	rows := p.rows()
	if len(p.vis) == 0 {
		out = append(out, fit(st.muted.Render(" no journal name matches: esc clears the filter"), w))
	}
	for i := p.top; i < len(p.vis) && i < p.top+rows; i++ {
		out = append(out, p.row(p.vis[i], i == p.sel, w))
	}
	for len(out) < h-1 {
		out = append(out, spaces(w))
	}
	out = out[:h-1]
	if p.filtering {
		out = append(out, fit(p.filter.View(), w))
	} else {
		bar := []key.Binding{pickMoveKey, pickOpenKey, pickFilterKey, pickQuitKey}
		p.help.SetWidth(w - 1)
		line := " " + p.help.ShortHelpView(bar)
		if v := p.filter.Value(); v != "" {
			line = spread(line, st.info.Render("/ "+trunc(oneLine(v), 24))+" ", w)
		}
		out = append(out, fit(line, w))
	}
	return strings.Join(out, "\n")
}

// row draws one journal: name, then size, date and age on the right.
func (p *picker) row(e JournalEntry, sel bool, w int) string {
	st := p.st
	ago := age(p.now.Sub(e.Modified))
	if ago == "now" {
		ago = "just now"
	} else {
		ago += " ago"
	}
	right := st.muted.Render(fitLeft(byteSize(e.Size), 8) + "  " + e.Modified.In(p.loc).Format("2006-01-02 15:04") + "  " + fitLeft(ago, 8))
	name := trunc(oneLine(e.Name), max(w-width(right)-4, 8))
	gutter := " "
	if sel {
		gutter = st.marker.Render("▌")
		name = st.accentBold.Render(name)
	}
	return fit(spread(gutter+name, right+" ", w), w)
}
