package tui

import (
	"os"
	"os/exec"
	"runtime"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/harkhq/hark/model"
)

// ctrl+e edits the body in the user's own editor ($VISUAL, else $EDITOR,
// else vi): the body goes to a temporary file, the program hands the
// terminal to the editor, and the file is read back when it exits. Every
// file operation runs in a command; the countdown goes on meanwhile, and
// an exchange that fell back in between is not touched.

type (
	editorFileMsg struct {
		id   model.ExchangeID
		path string
		err  error
	}
	editorExitMsg struct {
		id   model.ExchangeID
		path string
		err  error
	}
	editorReadMsg struct {
		id   model.ExchangeID
		text string
		err  error
	}
)

// externalID is the exchange whose editor started the step.
func externalID(msg tea.Msg) model.ExchangeID {
	switch msg := msg.(type) {
	case editorFileMsg:
		return msg.id
	case editorExitMsg:
		return msg.id
	case editorReadMsg:
		return msg.id
	}
	return 0
}

// userEditor is $VISUAL, else $EDITOR, else vi.
func userEditor(getenv func(string) string) string {
	for _, env := range []string{"VISUAL", "EDITOR"} {
		if v := strings.TrimSpace(getenv(env)); v != "" {
			return v
		}
	}
	return "vi"
}

// shellChars are those that make git run an editor through the shell.
const shellChars = "|&;<>()$`\\\"' \t\n*?[#~=%"

// editorCommand runs the editor on file as git runs it: a value without
// shell syntax is the program itself; a value naming an executable file
// also is (so a path with a space works unquoted); any other value is
// shell syntax (code --wait, 'My Editor/ed' -f, ~/bin/ed) run as
// sh -c '<editor> "$@"' with the file as its argument. Windows has no sh:
// there the value is split on spaces.
func editorCommand(editor, file, goos string) []string {
	if !strings.ContainsAny(editor, shellChars) {
		return []string{editor, file}
	}
	if st, err := os.Stat(editor); err == nil && st.Mode().IsRegular() && (goos == "windows" || st.Mode()&0o111 != 0) {
		return []string{editor, file}
	}
	if goos == "windows" {
		return append(strings.Fields(editor), file)
	}
	return []string{"sh", "-c", editor + ` "$@"`, editor, file}
}

// openExternal writes the body to a temporary file.
func (ed *responseEditor) openExternal() tea.Cmd {
	id, text := ed.id, ed.body.Value()
	return func() tea.Msg {
		f, err := os.CreateTemp("", "hark-response-*.json")
		if err != nil {
			return editorFileMsg{id: id, err: err}
		}
		_, err = f.WriteString(text)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(f.Name())
		}
		return editorFileMsg{id: id, path: f.Name(), err: err}
	}
}

// external goes on with the steps: run the editor, then read its result.
func (ed *responseEditor) external(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case editorFileMsg:
		if msg.err != nil {
			ed.problem = "cannot hand the body to an editor: " + oneLine(msg.err.Error())
			return nil
		}
		argv := editorCommand(userEditor(os.Getenv), msg.path, runtime.GOOS)
		c := exec.Command(argv[0], argv[1:]...)
		id, path := msg.id, msg.path
		return tea.ExecProcess(c, func(err error) tea.Msg { return editorExitMsg{id: id, path: path, err: err} })
	case editorExitMsg:
		if msg.err != nil {
			ed.problem = "the editor " + oneLine(userEditor(os.Getenv)) + " failed: " + oneLine(msg.err.Error())
			return removeFile(msg.path)
		}
		id, path := msg.id, msg.path
		return func() tea.Msg {
			b, err := os.ReadFile(path)
			os.Remove(path)
			return editorReadMsg{id: id, text: string(b), err: err}
		}
	case editorReadMsg:
		if msg.id != ed.id {
			return nil
		}
		if msg.err != nil {
			ed.problem = "cannot read the edited body back: " + oneLine(msg.err.Error())
			return nil
		}
		// Editors end files with a newline the body did not have.
		ed.body.SetValue(strings.TrimSuffix(msg.text, "\n"))
		ed.body.MoveToBegin()
		ed.focus = fieldBody
		ed.changed()
		ed.note = "body read back from the editor"
		return ed.focusField()
	}
	return nil
}

// externalResult handles the editor's steps when the response editor that
// started them is gone (its exchange fell back): only the file is removed.
func externalResult(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case editorFileMsg:
		if msg.err == nil {
			return removeFile(msg.path)
		}
	case editorExitMsg:
		return removeFile(msg.path)
	}
	return nil
}

func removeFile(path string) tea.Cmd {
	if path == "" {
		return nil
	}
	return func() tea.Msg {
		os.Remove(path)
		return nil
	}
}
