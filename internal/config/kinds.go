package config

import (
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The kinds of single values, each with its check and the message that
// says what would be right. A kind reads trimmed text, from the file or
// from an environment variable alike.

// text is any text, the empty text included.
func text() kind[string] {
	return kind[string]{want: "text", parse: func(raw string) (string, string) { return raw, "" },
		format: func(s string) string { return s }}
}

// textKind is text that check accepts.
func textKind(check func(string) string) kind[string] {
	k := text()
	k.parse = func(raw string) (string, string) { return raw, check(raw) }
	return k
}

// listenAddr is host:port to listen on; optional accepts "" for none.
func listenAddr(optional bool) kind[string] {
	return textKind(func(addr string) string {
		if optional && addr == "" {
			return ""
		}
		return checkAddr(addr)
	})
}

func checkAddr(addr string) string {
	const want = "use host:port, such as 127.0.0.1:8080 or :8080"
	if addr == "" {
		return "the listen address is empty; " + want
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return fmt.Sprintf("%q is not a listen address; %s", addr, want)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Sprintf("%q has port %q; a port is a number from 0 to 65535", addr, port)
	}
	return ""
}

// database is a file path, sqlite:PATH or a PostgreSQL URL.
func database() kind[string] { return textKind(checkDB) }

func checkDB(db string) string {
	const want = "give a file path such as hansei.db, sqlite:PATH, or postgres://user@host/name"
	switch {
	case db == "":
		return "the database is empty; " + want
	case strings.HasPrefix(db, "postgres://"), strings.HasPrefix(db, "postgresql://"):
		return ""
	case db == "sqlite:":
		return "the SQLite path after sqlite: is empty; " + want
	case strings.HasPrefix(db, "sqlite://"):
		return fmt.Sprintf("%q is not understood: write sqlite:PATH without slashes after the colon, such as sqlite:hansei.db or sqlite:/var/lib/hansei/hansei.db", redact(db))
	case strings.Contains(db, "://"):
		return fmt.Sprintf("database %q is not supported; %s", redact(db), want)
	}
	return ""
}

// redact hides the part before the host of a URL, where a password may be.
func redact(s string) string {
	scheme, rest, ok := strings.Cut(s, "://")
	if at := strings.LastIndex(rest, "@"); ok && at >= 0 {
		return scheme + "://…@" + rest[at+1:]
	}
	return s
}

// siteURL is the address of a site as visitors reach it: an http(s) URL
// without a query, kept without a trailing slash. what and example word
// the message; optional accepts "" for none.
func siteURL(what, example string, optional bool) kind[string] {
	k := text()
	k.parse = func(raw string) (string, string) {
		if optional && raw == "" {
			return "", ""
		}
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return "", fmt.Sprintf("%q is not %s; give an http(s) URL such as %s", raw, what, example)
		}
		return strings.TrimRight(raw, "/"), ""
	}
	return k
}

// httpURL is a URL that hansei sends to, such as a webhook.
func httpURL() kind[string] {
	return textKind(func(raw string) string {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Sprintf("%q is not an http(s) URL", raw)
		}
		return ""
	})
}

// oneOf is one of a few words; problem words the message for another.
func oneOf(values []string, problem func(raw string) string) kind[string] {
	return textKind(func(raw string) string {
		if slices.Contains(values, raw) {
			return ""
		}
		return problem(raw)
	})
}

// boolean is true or false, written as a YAML boolean.
func boolean() kind[bool] {
	return kind[bool]{want: "true or false", tag: "!!bool",
		parse: func(raw string) (bool, string) {
			switch strings.ToLower(raw) {
			case "true":
				return true, ""
			case "false":
				return false, ""
			}
			return false, fmt.Sprintf("expected true or false, not %q", raw)
		},
		format: strconv.FormatBool}
}

// whole is a whole number from 0 to most; problem words the message.
func whole(most int, problem func(raw string) string) kind[int] {
	return kind[int]{want: "text",
		parse: func(raw string) (int, string) {
			n, err := strconv.Atoi(raw)
			if err != nil || n < 0 || n > most {
				return 0, problem(raw)
			}
			return n, ""
		},
		format: strconv.Itoa}
}

// count is a limit from 0 (no limit) to most.
func count(most int) kind[int] {
	k := whole(most, func(raw string) string {
		return fmt.Sprintf("expected a whole number from 0 (no limit) to %d, not %q", most, raw)
	})
	k.want = fmt.Sprintf("a whole number from 0 (no limit) to %d", most)
	return k
}

// days is a number of days from 0 to a year.
func days() kind[int] {
	k := whole(365, func(raw string) string { return fmt.Sprintf("expected a number of days from 0 to 365, not %q", raw) })
	k.want = "a number of days from 0 to 365"
	return k
}

// duration is a Go duration from lo to hi.
func duration(lo, hi time.Duration) kind[time.Duration] {
	want := fmt.Sprintf("a duration from %s to %s, such as 5m or 90s", short(lo), short(hi))
	return kind[time.Duration]{want: want,
		parse: func(raw string) (time.Duration, string) {
			d, err := time.ParseDuration(raw)
			if raw == "" || err != nil || d < lo || d > hi {
				return 0, fmt.Sprintf("expected %s, not %q", want, raw)
			}
			return d, ""
		},
		format: short}
}

// short writes a duration as people do: 5m, not 5m0s.
func short(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// logLevel is the least severe level logged.
func logLevel() kind[slog.Level] {
	levels := []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError}
	format := func(l slog.Level) string { return strings.ToLower(l.String()) }
	return kind[slog.Level]{want: "text",
		parse: func(raw string) (slog.Level, string) {
			for _, l := range levels {
				if strings.EqualFold(raw, format(l)) {
					return l, ""
				}
			}
			return 0, fmt.Sprintf("%q is not a log level; use debug, info, warn or error", raw)
		},
		format: format}
}

// timeZone is an IANA time zone name.
func timeZone() kind[*time.Location] {
	return kind[*time.Location]{want: "text",
		parse: func(raw string) (*time.Location, string) {
			loc, err := time.LoadLocation(raw)
			if err != nil || raw == "" {
				return nil, fmt.Sprintf("unknown time zone %q; use an IANA name such as Europe/Berlin or Asia/Tokyo", raw)
			}
			return loc, ""
		},
		format: func(l *time.Location) string { return l.String() }}
}

// weekday is a day of the week as its first three letters.
func weekday() kind[time.Weekday] {
	format := func(d time.Weekday) string { return strings.ToLower(d.String()[:3]) }
	return kind[time.Weekday]{want: "text",
		parse: func(raw string) (time.Weekday, string) {
			for d := time.Sunday; d <= time.Saturday; d++ {
				if strings.EqualFold(raw, format(d)) {
					return d, ""
				}
			}
			return 0, fmt.Sprintf("unknown day %q; use mon, tue, wed, thu, fri, sat or sun", raw)
		},
		format: format}
}
