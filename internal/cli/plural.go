package cli

import "fmt"

// plural is "1 exchange" or "2 exchanges"; with a second form, "1 session
// is" or "2 sessions are".
func plural(n int, one string, many ...string) string {
	if n == 1 {
		return "1 " + one
	}
	if len(many) > 0 {
		return fmt.Sprintf("%d %s", n, many[0])
	}
	return fmt.Sprintf("%d %ss", n, one)
}
