package tui

import "github.com/harkhq/hark/platform"

// The empty state tells a new user what to do: which URL to paste into
// which platform, and how to see hark work at once with `hark send`.

func (m *Model) renderEmpty(w, h int) []string {
	st := m.st
	ep := m.endpoint
	var b []string
	add := func(s ...string) { b = append(b, s...) }
	if m.opts.ReadOnly {
		src := oneLine(m.opts.Source)
		if src == "" {
			src = "This history"
		}
		add(st.bold.Render(src+" holds no exchanges."), "",
			st.muted.Render("? all keys · q quits"))
		return center(b, w, h)
	}
	add(st.bold.Render("Waiting for the first webhook…"), "")
	switch ep.State {
	case EndpointFailed:
		add(st.err.Render("The tunnel failed."))
		if ep.Reason != "" {
			add(wrapAll(oneLine(ep.Reason), w-4)...)
		}
		add("")
	case EndpointLocal:
		add(st.info.Render("Local only: no public URL."))
		if ep.Reason != "" {
			add(wrapAll(st.muted.Render(oneLine(ep.Reason)), w-4)...)
		}
		add("")
	case EndpointConnecting, "", EndpointReconnecting:
		add(st.warn.Render("Connecting to ngrok…"), "")
	}
	url := oneLine(ep.URL)
	if len(ep.Paste) > 0 {
		add("Paste a URL into your platform's webhook settings:")
		nameW := 0
		for _, p := range ep.Paste {
			nameW = max(nameW, width(platformTitle(p.Platform)))
		}
		prev := ""
		for _, p := range ep.Paste {
			name := platformTitle(p.Platform)
			label := fitRight(name, nameW)
			if name == prev {
				label = spaces(nameW)
			}
			prev = name
			add("  " + st.badge(p.Platform).Render(label) + "  " + st.bold.Render(oneLine(p.URL)))
		}
		add(st.muted.Render("Any other path works too: hark sorts webhooks by their content."), "")
	} else if url != "" {
		add("Send webhooks to:", "  "+st.bold.Render(url), "")
	}
	if url != "" {
		if example := sendExample(); example != "" {
			add("Try it now, in another terminal:",
				"  "+st.accent.Render("hark send "+example+" --to "+url), "")
		}
		add(st.muted.Render("y copies the URL · L shows the log · ? all keys · q quits"))
	} else {
		add(st.muted.Render("L shows the log · ? all keys · q quits"))
	}
	return center(b, w, h)
}

// sendExample is the platform the empty screen suggests `hark send` with:
// the first in the registry that plays conversations, the fallback aside.
func sendExample() string {
	for _, p := range platform.Profiles() {
		if p.Simulated() && p != platform.Fallback() {
			return p.Name
		}
	}
	return ""
}

// center places a block of lines in the middle of w×h cells, left-aligned
// within itself; lines too long are cut.
func center(block []string, w, h int) []string {
	bw := 0
	for _, l := range block {
		bw = max(bw, width(l))
	}
	bw = min(bw, w-2)
	x := max(1, (w-bw)/2)
	y := max(0, (h-len(block))/2)
	out := make([]string, 0, h)
	for len(out) < y {
		out = append(out, spaces(w))
	}
	for _, l := range block {
		if len(out) == h {
			break
		}
		out = append(out, fit(spaces(x)+trunc(l, w-x-1), w))
	}
	for len(out) < h {
		out = append(out, spaces(w))
	}
	return out
}

func wrapAll(s string, w int) []string { return wrap(s, max(w, 10)) }
