package tui

import "charm.land/bubbles/v2/textarea"

// messageFields are an editor's headers and body, laid out together: the
// response editor (E) and the request editor (S) both have them.
type messageFields struct {
	headers, body textarea.Model
	width         int // the fields' width, as last laid out
}

// layout sizes the fields to w columns (the headers two less, for their
// indent) and headerH and bodyH lines. Widths change only when w does:
// setting one re-wraps the whole text.
func (f *messageFields) layout(w, headerH, bodyH int) {
	if f.width != w {
		f.width = w
		f.headers.SetWidth(max(w-2, 8))
		f.body.SetWidth(w)
	}
	f.headers.SetHeight(headerH)
	f.body.SetHeight(bodyH)
}
