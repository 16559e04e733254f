package export

import (
	"errors"
	"io"
	"strings"
	"time"

	"github.com/harkhq/hark/model"
)

// Set is what an export writes: exchanges in order, and the sessions they
// belong to (as a model.Store rebuilt them, for the transcript's turns and
// record comparison).
type Set struct {
	Exchanges []*model.Exchange
	Sessions  []model.Session
	Version   string         // hark's version, named in the output
	Location  *time.Location // time zone of the times a transcript shows
	// Raw keeps credentials (Authorization, Cookie, signatures, tokens),
	// which HAR and Markdown redact otherwise. NDJSON has no headers; its
	// lines are what `hark listen --json` prints, query included.
	Raw bool
}

// Format is one way to export a Set.
type Format struct {
	Name  string // the value of --format, and the file extension
	Title string // for people: HAR, Markdown, NDJSON
	What  string // what it is good for, in a few words
	// OneSession says the format is about a single session (a transcript).
	OneSession bool
	Write      func(io.Writer, Set) error
}

// ErrOneSession is what a one-session format says of a set of several.
var ErrOneSession = errors.New("a Markdown transcript is of one session")

// Formats lists every export format, in the order offered.
var Formats = []Format{
	{
		Name: "har", Title: "HAR", What: "every request and response, for browser dev tools and HTTP tools",
		Write: func(w io.Writer, s Set) error {
			return WriteHAR(w, s.Exchanges, HAROptions{Version: s.Version, Sessions: s.Sessions, Raw: s.Raw})
		},
	},
	{
		Name: "md", Title: "Markdown", What: "the conversation as a readable transcript", OneSession: true,
		Write: func(w io.Writer, s Set) error {
			if len(s.Sessions) != 1 {
				return ErrOneSession
			}
			return WriteMarkdown(w, s.Sessions[0], s.Exchanges, MarkdownOptions{Location: s.Location, Version: s.Version, Raw: s.Raw})
		},
	},
	{
		Name: "ndjson", Title: "NDJSON", What: "one JSON object per exchange, for scripts",
		Write: func(w io.Writer, s Set) error {
			for _, ex := range s.Exchanges {
				if err := WriteNDJSON(w, ex); err != nil {
					return err
				}
			}
			return nil
		},
	},
}

// LookupFormat finds a format by name, case-insensitively; "markdown" is
// md.
func LookupFormat(name string) (Format, bool) {
	name = strings.ToLower(strings.TrimSpace(name))
	if name == "markdown" {
		name = "md"
	}
	for _, f := range Formats {
		if f.Name == name {
			return f, true
		}
	}
	return Format{}, false
}

// FormatNames are the formats' names, in order.
func FormatNames() []string {
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = f.Name
	}
	return names
}
