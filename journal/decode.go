package journal

import (
	"encoding/base64"
	"fmt"
	"time"

	"github.com/harkhq/hark/model"
)

// The decoder reads one record line without reflection. It is a strict JSON
// parser for the shapes of format.go (unknown fields of any shape are
// skipped), it undoes the lone-surrogate escapes of appendString, and it
// copies into the result only what the result keeps, interning the short
// strings that repeat from one exchange to the next (header names, methods,
// paths, session ids), so that a large journal opens quickly and small.
// BenchmarkDecode compares it with encoding/json.

// record is one decoded line, before it becomes (part of) an exchange. Which
// fields mean anything depends on typ.
type record struct {
	typ string

	// header
	format  int64
	started time.Time
	version string

	// request and response
	id        model.ExchangeID
	hasID     bool
	at        time.Time
	headers   map[string][]string
	body      []byte
	notes     []string
	hasNotes  bool
	state     string
	status    int64
	hasStatus bool

	// request
	method, path, query, proto, host, remote string
	size                                     int64
	truncated                                bool
	platform, kind, session                  string
	turns                                    []model.Turn
	isRecord, consumed                       bool
	deadline                                 int64
	sig                                      model.Signature
	resentOf                                 uint64
	resentEdited                             bool

	// response
	source, rule string
	hasResponse  bool // a response field is present
	forward      *model.Forward
	timings      model.Timings
	heldUntil    time.Time
}

type decoder struct {
	data    []byte
	i       int
	scratch []byte // unescaped string, valid until the next string is read
	escaped bool   // the last string read is in scratch
	strings interner
	vals    []string                       // header values being collected
	names   []string                       // header names being collected
	ends    []int                          // where each name's values end in vals
	maps    map[string]map[string][]string // header maps by their JSON
}

func newDecoder() *decoder {
	return &decoder{
		strings: interner{m: make(map[string]string, 256)},
		maps:    make(map[string]map[string][]string),
	}
}

// decode reads one line into r.
func (d *decoder) decode(line []byte, r *record) error {
	*r = record{}
	d.data, d.i = line, 0
	empty, err := d.enter('{')
	if err != nil {
		return err
	}
	for more := !empty; more; {
		key, err := d.key()
		if err != nil {
			return err
		}
		if err := d.field(r, key); err != nil {
			return err
		}
		if more, err = d.next('}'); err != nil {
			return err
		}
	}
	d.ws()
	if d.i < len(d.data) {
		return d.errorf("text after the record")
	}
	return nil
}

// field reads the value of one top-level key.
func (d *decoder) field(r *record, key []byte) (err error) {
	switch string(key) {
	case "t":
		r.typ, err = d.name()
	case "v":
		r.format, err = d.int()
	case "started":
		r.started, err = d.time()
	case "version":
		r.version, err = d.name()
	case "id":
		var id uint64
		id, err = d.uint()
		r.id, r.hasID = model.ExchangeID(id), true
	case "at":
		r.at, err = d.time()
	case "headers":
		r.headers, err = d.headerMap()
	case "body":
		r.body, err = d.body()
	case "body_b64":
		r.body, err = d.base64()
	case "notes":
		r.notes, err = d.stringList()
		r.hasNotes = true
	case "state":
		r.state, err = d.name()
	case "status":
		r.status, err = d.int()
		r.hasStatus = true
	case "method":
		r.method, err = d.name()
	case "path":
		r.path, err = d.name()
	case "query":
		r.query, err = d.name()
	case "proto":
		r.proto, err = d.name()
	case "host":
		r.host, err = d.name()
	case "remote":
		r.remote, err = d.text()
	case "size":
		r.size, err = d.int()
	case "truncated":
		r.truncated, err = d.bool()
	case "platform":
		r.platform, err = d.name()
	case "kind":
		r.kind, err = d.name()
	case "session":
		r.session, err = d.name()
	case "turns":
		r.turns, err = d.turns()
	case "record":
		r.isRecord, err = d.bool()
	case "consumed":
		r.consumed, err = d.bool()
	case "deadline_ns":
		r.deadline, err = d.int()
	case "sig":
		err = d.signature(&r.sig)
	case "resent_of":
		r.resentOf, err = d.uint()
	case "resent_edited":
		r.resentEdited, err = d.bool()
	case "source":
		r.source, err = d.name()
		r.hasResponse = true
	case "rule":
		r.rule, err = d.name()
		r.hasResponse = true
	case "forward":
		r.forward, err = d.forward()
	case "timings":
		err = d.timingsObject(&r.timings)
	case "held_until":
		r.heldUntil, err = d.time()
	default:
		err = d.skip(0)
	}
	if se, ok := err.(*syntaxError); ok {
		se.msg = fmt.Sprintf("%q: %s", key, se.msg)
	}
	return err
}

func (d *decoder) turns() ([]model.Turn, error) {
	if d.null() {
		return nil, nil
	}
	empty, err := d.enter('[')
	if err != nil || empty {
		return nil, err
	}
	var turns []model.Turn
	for more := true; more; {
		var t model.Turn
		empty, err := d.enter('{')
		if err != nil {
			return nil, err
		}
		for more := !empty; more; {
			key, err := d.key()
			if err != nil {
				return nil, err
			}
			switch string(key) {
			case "role":
				var role string
				role, err = d.name()
				t.Role = model.Role(role)
			case "text":
				t.Text, err = d.text()
			case "time":
				t.Time, err = d.time()
			case "marker":
				t.Marker, err = d.name()
			default:
				err = d.skip(1)
			}
			if err != nil {
				return nil, err
			}
			if more, err = d.next('}'); err != nil {
				return nil, err
			}
		}
		turns = append(turns, t)
		if more, err = d.next(']'); err != nil {
			return nil, err
		}
	}
	return turns, nil
}

func (d *decoder) signature(s *model.Signature) error {
	if d.null() {
		return nil
	}
	empty, err := d.enter('{')
	for more := !empty; more && err == nil; {
		var key []byte
		if key, err = d.key(); err != nil {
			break
		}
		switch string(key) {
		case "scheme":
			s.Scheme, err = d.name()
		case "state":
			var st string
			st, err = d.name()
			s.State = model.SigState(st)
		case "detail":
			s.Detail, err = d.name()
		default:
			err = d.skip(1)
		}
		if err == nil {
			more, err = d.next('}')
		}
	}
	return err
}

func (d *decoder) forward() (*model.Forward, error) {
	if d.null() {
		return nil, nil
	}
	f := &model.Forward{}
	empty, err := d.enter('{')
	for more := !empty; more && err == nil; {
		var key []byte
		if key, err = d.key(); err != nil {
			break
		}
		switch string(key) {
		case "url":
			f.URL, err = d.name()
		case "status":
			var n int64
			n, err = d.int()
			f.Status = int(n)
		case "headers":
			f.Headers, err = d.headerMap()
		case "body":
			f.Body, err = d.body()
		case "body_b64":
			f.Body, err = d.base64()
		case "latency_ns":
			var n int64
			n, err = d.int()
			f.Latency = time.Duration(n)
		case "error":
			f.Error, err = d.name()
		default:
			err = d.skip(1)
		}
		if err == nil {
			more, err = d.next('}')
		}
	}
	return f, err
}

func (d *decoder) timingsObject(t *model.Timings) error {
	if d.null() {
		return nil
	}
	empty, err := d.enter('{')
	for more := !empty; more && err == nil; {
		var key []byte
		if key, err = d.key(); err != nil {
			break
		}
		var field *time.Duration
		switch string(key) {
		case "read_ns":
			field = &t.Read
		case "journal_ns":
			field = &t.Journal
		case "hold_ns":
			field = &t.Hold
		case "forward_ns":
			field = &t.Forward
		case "total_ns":
			field = &t.Total
		}
		if field == nil {
			err = d.skip(1)
		} else {
			var n int64
			n, err = d.int()
			*field = time.Duration(n)
		}
		if err == nil {
			more, err = d.next('}')
		}
	}
	return err
}

// headerMap reads {"Name":["value",...],...}. All values of the map share
// one backing array, each name's slice capped so that appending copies.
// Maps written alike (the same response headers, exchange after exchange)
// are the same map: exchanges are never modified in place.
func (d *decoder) headerMap() (map[string][]string, error) {
	if d.null() {
		return nil, nil
	}
	rawStart := d.i
	empty, err := d.enter('{')
	if err != nil || empty {
		return nil, err
	}
	d.vals, d.names, d.ends = d.vals[:0], d.names[:0], d.ends[:0]
	for more := true; more; {
		key, err := d.key()
		if err != nil {
			return nil, err
		}
		d.names = append(d.names, d.strings.intern(key))
		if !d.null() {
			empty, err := d.enter('[')
			if err != nil {
				return nil, err
			}
			for more := !empty; more; {
				v, err := d.name()
				if err != nil {
					return nil, err
				}
				d.vals = append(d.vals, v)
				if more, err = d.next(']'); err != nil {
					return nil, err
				}
			}
		}
		d.ends = append(d.ends, len(d.vals))
		if more, err = d.next('}'); err != nil {
			return nil, err
		}
	}
	raw := d.data[rawStart:d.i]
	if h, ok := d.maps[string(raw)]; ok {
		return h, nil
	}
	all := make([]string, len(d.vals))
	copy(all, d.vals)
	h := make(map[string][]string, len(d.names))
	start := 0
	for i, name := range d.names {
		end := d.ends[i]
		h[name] = all[start:end:end]
		start = end
	}
	clear(d.vals)
	clear(d.names)
	if len(raw) <= maxSharedMap && len(d.maps) < maxSharedMaps {
		d.maps[string(raw)] = h
	}
	return h, nil
}

// Bounds of the cache of header maps.
const (
	maxSharedMap  = 512 // bytes of JSON
	maxSharedMaps = 4096
)

func (d *decoder) stringList() ([]string, error) {
	if d.null() {
		return nil, nil
	}
	empty, err := d.enter('[')
	if err != nil || empty {
		return nil, err
	}
	var list []string
	for more := true; more; {
		s, err := d.name()
		if err != nil {
			return nil, err
		}
		list = append(list, s)
		if more, err = d.next(']'); err != nil {
			return nil, err
		}
	}
	return list, nil
}

// body reads a text body into bytes of its own.
func (d *decoder) body() ([]byte, error) {
	if d.null() {
		return nil, nil
	}
	s, err := d.str()
	if err != nil || len(s) == 0 {
		return nil, err
	}
	return append([]byte(nil), s...), nil
}

func (d *decoder) base64() ([]byte, error) {
	if d.null() {
		return nil, nil
	}
	start := d.i
	s, err := d.str()
	if err != nil || len(s) == 0 {
		return nil, err
	}
	out := make([]byte, base64.StdEncoding.DecodedLen(len(s)))
	n, err := base64.StdEncoding.Decode(out, s)
	if err != nil {
		return nil, &syntaxError{start, "not base64: " + err.Error()}
	}
	return out[:n:n], nil
}

func (d *decoder) time() (time.Time, error) {
	if d.null() {
		return time.Time{}, nil
	}
	start := d.i
	s, err := d.str()
	if err != nil {
		return time.Time{}, err
	}
	t, ok := parseTime(s)
	if !ok {
		return time.Time{}, &syntaxError{start, fmt.Sprintf("not an RFC 3339 time: %q", s)}
	}
	return t, nil
}

// name reads a string that is likely to repeat, interned.
func (d *decoder) name() (string, error) {
	if d.null() {
		return "", nil
	}
	s, err := d.str()
	if err != nil {
		return "", err
	}
	return d.strings.intern(s), nil
}

// text reads a string that is unlikely to repeat.
func (d *decoder) text() (string, error) {
	if d.null() {
		return "", nil
	}
	s, err := d.str()
	return string(s), err
}

// interner shares the strings that repeat across records. It stops growing
// at maxInterned entries so that a journal of unique values costs nothing.
type interner struct {
	m map[string]string
}

const (
	maxInterned    = 1 << 16
	maxInternedLen = 128
)

func (in *interner) intern(b []byte) string {
	if s, ok := in.m[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(b) <= maxInternedLen && len(in.m) < maxInterned {
		in.m[s] = s
	}
	return s
}
