package platform

import (
	"fmt"
	"slices"
	"strings"
)

// Load builds the registry hark runs with: the built-in profiles, then the
// users' (compiled with Compile, in the order given), then the fallback.
//
// A user's profile may not silently take a built-in one's place: a profile
// with a built-in's name is refused unless it says override: true, and
// then it replaces the built-in in its place, with a notice (Notices) so
// that nobody wonders why a platform behaves differently. Two users'
// profiles with one name, title or badge are refused too, with both files
// named.
//
// groups picks, per profile name, another way of grouping its requests
// into sessions (--group NAME=KEY); "default" is the profile's own.
func Load(users []*Profile, groups map[string]string) (*Registry, error) {
	base := Builtin()
	profiles := slices.Clone(base.profiles[:len(base.profiles)-1])
	fallback := base.fallback
	var errs FormatErrors
	var notices []string
	owner := map[string]*Profile{} // name, title and badge → the profile that has it
	claim := func(p *Profile, what, v string) *Profile {
		key := what + "\x00" + strings.ToLower(v)
		prev, taken := owner[key]
		if !taken {
			owner[key] = p
		}
		return prev
	}
	for _, p := range profiles {
		claim(p, "name", p.Name)
		claim(p, "title", p.Title)
		claim(p, "badge", p.Badge)
	}
	claim(fallback, "name", fallback.Name)
	claim(fallback, "title", fallback.Title)
	for _, u := range users {
		at := func(msg string, args ...any) {
			errs = append(errs, &FormatError{File: u.file, Line: u.nameLine, Msg: fmt.Sprintf(msg, args...)})
		}
		if prev := owner["name\x00"+u.Name]; prev != nil {
			switch {
			case !prev.builtin:
				at("the name %s is also the name of the profile in %s", u.Name, prev.file)
			case prev == fallback:
				at("%s is hark's fallback profile, which a file cannot replace (--deadline %s=DURATION changes its deadline)", u.Name, u.Name)
			case !u.override:
				at("%s is the name of a built-in profile: choose another name, or add override: true to replace the built-in one", u.Name)
			default:
				i := slices.Index(profiles, prev)
				profiles[i] = u
				owner["name\x00"+u.Name] = u
				notices = append(notices, fmt.Sprintf("%s: your profile %s replaces the built-in one (override: true)", u.Name, u.file))
				continue
			}
			continue
		}
		if u.override {
			at("override: true, but %s is not the name of a built-in profile", u.Name)
			continue
		}
		claim(u, "name", u.Name)
		if prev := claim(u, "title", u.Title); prev != nil {
			at("the title %q is also %s's (%s): titles name platforms in lists, so they must differ", u.Title, prev.Name, prev.file)
			continue
		}
		if prev := claim(u, "badge", u.Badge); prev != nil {
			at("the badge %s is also %s's: give this profile a badge of its own (badge: ABC)", u.Badge, prev.Name)
			continue
		}
		profiles = append(profiles, u)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	r := newRegistry(profiles, fallback)
	r.notices = notices
	if err := r.group(groups); err != nil {
		return nil, err
	}
	return r, nil
}

// group switches the session sources of the profiles named in groups. The
// profiles are copied: the built-in registry stays as it was.
func (r *Registry) group(groups map[string]string) error {
	for _, name := range sortedKeys(groups) {
		key := groups[name]
		p, ok := r.byName[name]
		if !ok {
			return fmt.Errorf("--group %s=%s: unknown platform %q (known: %s)", name, key, name, strings.Join(r.Names(), ", "))
		}
		if key == "default" {
			continue
		}
		srcs, ok := p.groups[key]
		if !ok {
			if len(p.groups) == 0 {
				return fmt.Errorf("--group %s=%s: %s groups requests one way only", name, key, p.Title)
			}
			return fmt.Errorf("--group %s=%s: %s groups by default or %s", name, key, p.Title, strings.Join(p.Groups(), " or "))
		}
		cp := *p
		cp.session, cp.groupedBy = srcs, key
		// What the default grouping read becomes an alias, so both ids
		// stay in view.
		cp.also = append(slices.Clone(p.session), p.also...)
		i := slices.Index(r.profiles, p)
		r.profiles[i] = &cp
		r.byName[name] = &cp
		if p == r.fallback {
			r.fallback = &cp
		}
		for j, h := range r.handshakers {
			if h == p {
				r.handshakers[j] = &cp
			}
		}
	}
	return nil
}
