package cli

import (
	"strings"

	"github.com/harkhq/hark/platform"
)

// Help text that speaks of platforms is written from the registry, so that
// a new profile shows up in every command's help without editing one.

// secretHelp lists the platforms that take a secret and what hark checks
// with it: "moveo=TOKEN checks Moveo's X-Moveo-Signature, ...".
func secretHelp() string {
	var parts []string
	for _, p := range platform.Profiles() {
		if p.Secret != nil {
			parts = append(parts, p.Name+"="+p.Secret.Value+" checks "+p.Secret.Checks)
		}
	}
	return strings.Join(parts, ", ")
}

// signHelp lists the forms of --secret of the platforms a simulator or a
// replay signs for: "moveo=TOKEN, ...". resigned keeps those whose recorded
// requests can be signed again.
func signHelp(resigned bool) string {
	var parts []string
	for _, p := range platform.Profiles() {
		if p.Secret != nil && (!resigned || p.Resigns()) {
			parts = append(parts, p.Name+"="+p.Secret.Value)
		}
	}
	return strings.Join(parts, ", ")
}

// resignedHelp says what a replay signs again: "Moveo's X-Moveo-Signature, ...".
func resignedHelp() string {
	var parts []string
	for _, p := range platform.Profiles() {
		if p.Secret != nil && p.Resigns() {
			parts = append(parts, p.Secret.Checks)
		}
	}
	return strings.Join(parts, ", ")
}

// secretExample is a --secret value for examples: the first platform that
// signs every request, else the first that takes a secret.
func secretExample(value string) string {
	var first *platform.Profile
	for _, p := range platform.Profiles() {
		if p.Secret == nil {
			continue
		}
		if p.Secret.Signs {
			first = p
			break
		}
		if first == nil {
			first = p
		}
	}
	if first == nil {
		return "PLATFORM=" + value
	}
	if value == "" {
		value = first.Secret.Value
	}
	return first.Name + "=" + value
}

// sendExample is the platform that examples play: the first, the fallback
// aside, that has simulated conversations.
func sendExample() string {
	for _, p := range platform.Profiles() {
		if p.Simulated() && p != platform.Fallback() {
			return p.Name
		}
	}
	return "all"
}

// deadlineExample is a --deadline value for examples: the first platform,
// the fallback aside, that consumes responses.
func deadlineExample() string {
	for _, p := range platform.Profiles() {
		if p.Consumed() && p != platform.Fallback() {
			return p.Name + "=5s"
		}
	}
	return "PLATFORM=5s"
}

// platformTitles joins the titles of the profiles that keep holds, the
// last two with conj: "NavTalk, ChatBot.com or Moveo.ai".
func platformTitles(conj string, keep func(*platform.Profile) bool) string {
	var titles []string
	for _, p := range platform.Profiles() {
		if keep(p) {
			titles = append(titles, p.Title)
		}
	}
	if len(titles) < 2 {
		return strings.Join(titles, "")
	}
	return strings.Join(titles[:len(titles)-1], ", ") + " " + conj + " " + titles[len(titles)-1]
}

// signedSendExample is the platform the signed `hark send` example plays:
// the one of secretExample.
func signedSendExample() string {
	name, _, _ := strings.Cut(secretExample(""), "=")
	return name
}

func notFallback(p *platform.Profile) bool { return p != platform.Fallback() }
