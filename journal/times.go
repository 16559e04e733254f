// Times, both ways: RFC 3339 in UTC with nanoseconds, and the expanded
// years of format.go.

package journal

import "time"

// appendTime writes t in UTC as RFC 3339 with the nanoseconds that are not
// zero, like time.RFC3339Nano, and with an ISO 8601 expanded year (sign and
// six digits) when the year has no four-digit form.
func appendTime(b []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	hour, minute, sec := t.Clock()
	if year >= 0 && year <= 9999 {
		b = appendDigits(b, year, 4)
	} else {
		if year < 0 {
			b = append(b, '-')
			year = -year
		} else {
			b = append(b, '+')
		}
		b = appendDigits(b, year, 6)
	}
	b = append(b, '-')
	b = appendDigits(b, int(month), 2)
	b = append(b, '-')
	b = appendDigits(b, day, 2)
	b = append(b, 'T')
	b = appendDigits(b, hour, 2)
	b = append(b, ':')
	b = appendDigits(b, minute, 2)
	b = append(b, ':')
	b = appendDigits(b, sec, 2)
	if ns := t.Nanosecond(); ns != 0 {
		b = append(b, '.')
		n := len(b)
		b = appendDigits(b, ns, 9)
		for b[len(b)-1] == '0' && len(b) > n {
			b = b[:len(b)-1]
		}
	}
	return append(b, 'Z')
}

// appendDigits writes a non-negative n with at least width digits.
func appendDigits(b []byte, n, width int) []byte {
	var tmp [20]byte
	i := len(tmp)
	for n >= 10 || width > 1 {
		i--
		tmp[i] = byte('0' + n%10)
		n /= 10
		width--
	}
	i--
	tmp[i] = byte('0' + n)
	return append(b, tmp[i:]...)
}

// parseTime reads an RFC 3339 time (any offset, result in UTC), also with
// the signed expanded year appendTime writes for years beyond 0000–9999.
func parseTime(b []byte) (time.Time, bool) {
	var year, i int
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		i = 1
		for i < len(b) && isDigit(b[i]) {
			i++
		}
		if i-1 < 4 || i-1 > 9 {
			return time.Time{}, false
		}
		year = atoi(b[1:i])
		if b[0] == '-' {
			year = -year
		}
	} else {
		if len(b) < 4 || !allDigits(b[:4]) {
			return time.Time{}, false
		}
		year, i = atoi(b[:4]), 4
	}
	rest := b[i:]
	// -MM-DDTHH:MM:SS
	if len(rest) < 16 || rest[0] != '-' || rest[3] != '-' || (rest[6] != 'T' && rest[6] != 't') ||
		rest[9] != ':' || rest[12] != ':' {
		return time.Time{}, false
	}
	parts := [5][]byte{rest[1:3], rest[4:6], rest[7:9], rest[10:12], rest[13:15]}
	var v [5]int
	for k, p := range parts {
		if !allDigits(p) {
			return time.Time{}, false
		}
		v[k] = atoi(p)
	}
	month, day, hour, minute, sec := v[0], v[1], v[2], v[3], v[4]
	if month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	rest = rest[15:]
	nsec := 0
	if len(rest) > 0 && rest[0] == '.' {
		k := 1
		for k < len(rest) && isDigit(rest[k]) {
			if k <= 9 {
				nsec = nsec*10 + int(rest[k]-'0')
			}
			k++
		}
		if k == 1 {
			return time.Time{}, false
		}
		for n := k - 1; n < 9; n++ {
			nsec *= 10
		}
		rest = rest[k:]
	}
	offset := 0
	switch {
	case len(rest) == 1 && (rest[0] == 'Z' || rest[0] == 'z'):
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':' &&
		allDigits(rest[1:3]) && allDigits(rest[4:6]):
		h, m := atoi(rest[1:3]), atoi(rest[4:6])
		if h > 23 || m > 59 {
			return time.Time{}, false
		}
		offset = (h*60 + m) * 60
		if rest[0] == '-' {
			offset = -offset
		}
	default:
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if t.Day() != day { // 31 April or 29 February of a common year
		return time.Time{}, false
	}
	return t.Add(-time.Duration(offset) * time.Second), true
}

func allDigits(b []byte) bool {
	for _, c := range b {
		if !isDigit(c) {
			return false
		}
	}
	return true
}

func atoi(b []byte) int {
	n := 0
	for _, c := range b {
		n = n*10 + int(c-'0')
	}
	return n
}
