package tui

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/tidwall/pretty"

	"github.com/harkhq/hark/platform"
)

// palette is the one place colours are chosen. Components use the semantic
// styles built from it, never colours of their own. In no-colour mode every
// colour is absent and meaning is carried by symbols, bold and reverse video.
type palette struct {
	fg, muted, subtle, accent, selBg color.Color
	selDim                           color.Color // an unfocused selection
	ok, warn, err, info              color.Color
	user, ai, system                 color.Color
	jsonKey, jsonString, jsonNumber  color.Color
	jsonBool, jsonNull, jsonEscape   color.Color

	// platforms colour the platforms' badges: a profile takes
	// platforms[i % len] for its platform.ColorIndex i, so a new profile
	// needs no colour of its own. Neighbours in the registry differ, and
	// none is the colour of a role, a state or the accent.
	platforms []color.Color
	// otherPlatform is the fallback profile's colour, and that of any
	// platform this hark does not know: a neutral one.
	otherPlatform color.Color
}

func newPalette(dark, noColor bool) palette {
	if noColor {
		none := lipgloss.NoColor{}
		return palette{
			fg: none, muted: none, subtle: none, accent: none, selBg: none, selDim: none,
			ok: none, warn: none, err: none, info: none,
			user: none, ai: none, system: none,
			platforms: []color.Color{none}, otherPlatform: none,
			jsonKey: none, jsonString: none, jsonNumber: none,
			jsonBool: none, jsonNull: none, jsonEscape: none,
		}
	}
	c := lipgloss.Color
	ld := lipgloss.LightDark(dark)
	return palette{
		fg:         ld(c("#1F2328"), c("#E4E4E7")),
		muted:      ld(c("#6E7781"), c("#8B8B96")),
		subtle:     ld(c("#C8CFD6"), c("#44444C")),
		accent:     ld(c("#6D28D9"), c("#B197FC")),
		selBg:      ld(c("#EDE7FB"), c("#2F2A45")),
		selDim:     ld(c("#EEF0F3"), c("#27272D")),
		ok:         ld(c("#1A7F37"), c("#4ADE80")),
		warn:       ld(c("#9A6700"), c("#FBBF24")),
		err:        ld(c("#CF222E"), c("#F87171")),
		info:       ld(c("#0969DA"), c("#60A5FA")),
		user:       ld(c("#0550AE"), c("#7DD3FC")),
		ai:         ld(c("#8250DF"), c("#D8B4FE")),
		system:     ld(c("#57606A"), c("#A1A1AA")),
		jsonKey:    ld(c("#0550AE"), c("#93C5FD")),
		jsonString: ld(c("#116329"), c("#86EFAC")),
		jsonNumber: ld(c("#953800"), c("#FCD34D")),
		jsonBool:   ld(c("#8250DF"), c("#F9A8D4")),
		jsonNull:   ld(c("#6E7781"), c("#8B8B96")),
		jsonEscape: ld(c("#A40E26"), c("#F0ABFC")),
		platforms: []color.Color{
			ld(c("#0F766E"), c("#2DD4BF")), // teal
			ld(c("#BE185D"), c("#F472B6")), // pink
			ld(c("#C2410C"), c("#FB923C")), // orange
			ld(c("#4D7C0F"), c("#A3E635")), // lime
			ld(c("#4338CA"), c("#A5B4FC")), // indigo
			ld(c("#0E7490"), c("#67E8F9")), // cyan
		},
		otherPlatform: ld(c("#475569"), c("#94A3B8")), // slate
	}
}

// styles are the semantic styles every component draws with.
type styles struct {
	noColor bool

	text, bold, muted, subtle lipgloss.Style
	accent, accentBold        lipgloss.Style
	ok, warn, err, info       lipgloss.Style

	paneTitle, paneTitleFocused lipgloss.Style
	selected, selectedFocused   lipgloss.Style // a selected row (sessions list)
	marker                      lipgloss.Style // the gutter bar of a selected block
	tabActive, tabIdle          lipgloss.Style
	roleUser, roleAI, roleSys   lipgloss.Style
	badges                      map[string]lipgloss.Style
	badgeOther                  lipgloss.Style
	dialog                      lipgloss.Style // a dialog's box
	box, boxFocused             lipgloss.Style // grid cell borders

	help help.Styles
	json *pretty.Style
}

func newStyles(dark, noColor bool) *styles {
	p := newPalette(dark, noColor)
	s := lipgloss.NewStyle
	st := &styles{
		noColor:    noColor,
		text:       s().Foreground(p.fg),
		bold:       s().Bold(true),
		muted:      s().Foreground(p.muted),
		subtle:     s().Foreground(p.subtle),
		accent:     s().Foreground(p.accent),
		accentBold: s().Foreground(p.accent).Bold(true),
		ok:         s().Foreground(p.ok),
		warn:       s().Foreground(p.warn).Bold(true),
		err:        s().Foreground(p.err).Bold(true),
		info:       s().Foreground(p.info),

		paneTitle:        s().Foreground(p.muted).Bold(true),
		paneTitleFocused: s().Foreground(p.accent).Bold(true),
		selected:         s().Background(p.selDim),
		selectedFocused:  s().Background(p.selBg),
		marker:           s().Foreground(p.accent).Bold(true),
		tabActive:        s().Foreground(p.accent).Bold(true).Underline(true),
		tabIdle:          s().Foreground(p.muted),
		roleUser:         s().Foreground(p.user).Bold(true),
		roleAI:           s().Foreground(p.ai).Bold(true),
		roleSys:          s().Foreground(p.system),
		badgeOther:       s().Foreground(p.otherPlatform).Bold(true),
		dialog: s().Border(lipgloss.RoundedBorder()).BorderForeground(p.accent).
			Padding(0, 1),
		box:        s().Foreground(p.subtle),
		boxFocused: s().Foreground(p.accent).Bold(true),
	}
	if noColor {
		// Without colour, selection is reverse video and the unfocused
		// selection is underlined, so both stay visible.
		st.selected = s().Underline(true)
		st.selectedFocused = s().Reverse(true)
		st.subtle = s()
		st.box = s()
		st.muted = s()
		st.paneTitle = s().Bold(true)
		st.paneTitleFocused = s().Bold(true).Reverse(true)
		st.tabActive = s().Bold(true).Reverse(true)
		st.tabIdle = s()
	}
	st.badges = map[string]lipgloss.Style{}
	for _, pr := range platform.Profiles() {
		if i, ok := pr.ColorIndex(); ok {
			st.badges[pr.Name] = s().Foreground(p.platforms[i%len(p.platforms)]).Bold(true)
		} else {
			st.badges[pr.Name] = st.badgeOther
		}
	}
	st.help = help.Styles{
		Ellipsis:       st.muted,
		ShortKey:       st.accentBold,
		ShortDesc:      st.muted,
		ShortSeparator: st.subtle,
		FullKey:        st.accentBold,
		FullDesc:       st.muted,
		FullSeparator:  st.subtle,
	}
	st.json = jsonStyle(p, noColor)
	return st
}

// badge is the style of a platform's badge, by the profile's name or title.
func (st *styles) badge(name string) lipgloss.Style {
	if b, ok := st.badges[name]; ok {
		return b
	}
	if p, ok := platform.Find(name); ok {
		return st.badges[p.Name]
	}
	return st.badgeOther
}

// role is the style of a speaker's label.
func (st *styles) role(r string) lipgloss.Style {
	switch r {
	case "user":
		return st.roleUser
	case "ai":
		return st.roleAI
	}
	return st.roleSys
}

// jsonStyle turns the palette into tidwall/pretty's colouring. Each token is
// opened with one SGR sequence and closed with a reset, which is what
// closeStyles relies on when a coloured line is wrapped.
func jsonStyle(p palette, noColor bool) *pretty.Style {
	if noColor {
		return &pretty.Style{}
	}
	seq := func(c color.Color, bold bool) [2]string {
		s := ansi.Style{}.ForegroundColor(c)
		if bold {
			s = s.Bold()
		}
		return [2]string{s.String(), ansi.ResetStyle}
	}
	return &pretty.Style{
		Key:      seq(p.jsonKey, false),
		String:   seq(p.jsonString, false),
		Number:   seq(p.jsonNumber, false),
		True:     seq(p.jsonBool, false),
		False:    seq(p.jsonBool, false),
		Null:     seq(p.jsonNull, false),
		Escape:   seq(p.jsonEscape, false),
		Brackets: seq(p.muted, false),
	}
}
