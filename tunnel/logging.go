package tunnel

import (
	"context"
	"log/slog"
)

// redactingHandler passes ngrok-go's log records to hark's handler with the
// authtoken taken out: ngrok-go redacts its own request structs, but logs
// the edge's error messages as they are, and ERR_NGROK_105/107 quote the
// token.
type redactingHandler struct {
	inner slog.Handler
	r     redactor
}

func newRedactingLogger(l *slog.Logger, r redactor) *slog.Logger {
	return slog.New(&redactingHandler{inner: l.Handler(), r: r})
}

func (h *redactingHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.inner.Enabled(ctx, level)
}

func (h *redactingHandler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, h.r.redact(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.inner.Handle(ctx, out)
}

func (h *redactingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = h.attr(a)
	}
	return &redactingHandler{inner: h.inner.WithAttrs(clean), r: h.r}
}

func (h *redactingHandler) WithGroup(name string) slog.Handler {
	return &redactingHandler{inner: h.inner.WithGroup(name), r: h.r}
}

// attr redacts one attribute: strings and errors directly, groups member by
// member, anything else through its printed form when that holds the token.
func (h *redactingHandler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.r.redact(v.String()))
	case slog.KindGroup:
		members := v.Group()
		clean := make([]any, len(members))
		for i, m := range members {
			clean[i] = h.attr(m)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, h.r.redact(err.Error()))
		}
		if printed := v.String(); h.r.redact(printed) != printed {
			return slog.String(a.Key, h.r.redact(printed))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}
