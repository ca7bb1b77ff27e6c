package web

// Parsers of the request headers the public routes read. They run on every
// request of a flood, so they scan the header in place and never allocate;
// they take any bytes at all (status_test.go fuzzes them).

// chooseEncoding picks the representation for the Accept-Encoding header
// values: the coding with the highest q-value, brotli before gzip before
// identity when q-values tie (brotli is smallest). A coding with q=0 is
// never chosen. Identity is chosen when no coding is acceptable, or when
// the client names it with a higher q-value than any coding; a refused
// identity ("identity;q=0") with no acceptable coding still gets identity,
// as RFC 9110 (12.5.3) allows, rather than a 406.
func chooseEncoding(values []string) encoding {
	qBr, qGz, qID, qAny := -1, -1, -1, -1
	for _, v := range values {
		for len(v) > 0 {
			var elem string
			elem, v = nextElement(v)
			name, params := cutByte(elem, ';')
			name = trimOWS(name)
			q, ok := qValue(params)
			if !ok || name == "" {
				continue
			}
			switch {
			case equalFold(name, "br"):
				qBr = max(qBr, q)
			case equalFold(name, "gzip"), equalFold(name, "x-gzip"):
				qGz = max(qGz, q)
			case equalFold(name, "identity"):
				qID = max(qID, q)
			case name == "*":
				qAny = max(qAny, q)
			}
		}
	}
	if qBr < 0 {
		qBr = max(qAny, 0)
	}
	if qGz < 0 {
		qGz = max(qAny, 0)
	}
	// Identity not named is acceptable but not preferred: it is what is
	// left when no coding is.
	if qID < 0 {
		qID = max(qAny, 0)
	}
	best, q := encIdentity, 0
	if qBr > 0 && qBr >= qGz {
		best, q = encBrotli, qBr
	} else if qGz > 0 {
		best, q = encGzip, qGz
	}
	if q > 0 && q >= qID {
		return best
	}
	return encIdentity
}

// qValue reads the q parameter among params ("q=0.5;x=y", after the
// coding's ';'), as thousandths; 1000 when there is none. ok is false for a
// q-value that RFC 9110 (12.4.2) does not allow; the element is then
// ignored.
func qValue(params string) (q int, ok bool) {
	for params != "" {
		var p string
		p, params = cutByte(params, ';')
		k, val := cutByte(p, '=')
		if equalFold(trimOWS(k), "q") {
			return parseQ(trimOWS(val))
		}
	}
	return 1000, true
}

// parseQ reads "0", "0.5", "1", "1.000" as thousandths.
func parseQ(s string) (int, bool) {
	if s == "" || (s[0] != '0' && s[0] != '1') {
		return 0, false
	}
	q := int(s[0]-'0') * 1000
	if len(s) == 1 {
		return q, true
	}
	if s[1] != '.' || len(s) > 5 {
		return 0, false
	}
	scale := 100
	for i := 2; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		q += int(c-'0') * scale
		scale /= 10
	}
	if q > 1000 {
		return 0, false
	}
	return q, true
}

// etagMatch tells whether an If-None-Match value names etag, by the weak
// comparison RFC 9110 (13.1.2) prescribes for If-None-Match: W/"x" matches
// "x". "*" matches anything. A malformed list matches nothing from the
// point where it goes wrong.
func etagMatch(header, etag string) bool {
	s := header
	for {
		s = skipListSpace(s)
		if s == "" {
			return false
		}
		if s[0] == '*' {
			return true
		}
		if len(s) >= 2 && s[0] == 'W' && s[1] == '/' {
			s = s[2:]
		}
		if s == "" || s[0] != '"' {
			return false
		}
		end := 1
		for end < len(s) && s[end] != '"' {
			end++
		}
		if end == len(s) {
			return false
		}
		if s[:end+1] == etag {
			return true
		}
		s = s[end+1:]
	}
}

// nextElement splits a comma-separated list: the first element and the
// rest after its comma.
func nextElement(s string) (elem, rest string) { return cutByte(s, ',') }

func cutByte(s string, c byte) (before, after string) {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}

func skipListSpace(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t' || s[0] == ',') {
		s = s[1:]
	}
	return s
}

func trimOWS(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// equalFold compares ASCII case-insensitively; want is lower case.
func equalFold(s, want string) bool {
	if len(s) != len(want) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != want[i] {
			return false
		}
	}
	return true
}
