package statuspage

// Parsers of the request headers the public routes read. They run on every
// request of a flood, so they scan the header in place and never allocate;
// they take any bytes at all (status_test.go fuzzes them). They take the
// header as net/http holds it (string) or as fasthttp does ([]byte).

// text is a header value as either server holds it.
type text interface{ ~string | ~[]byte }

// chooseEncoding picks the representation for the Accept-Encoding header
// values: the coding with the highest q-value, brotli before gzip before
// identity when q-values tie (brotli is smallest). A coding with q=0 is
// never chosen. Identity is chosen when no coding is acceptable, or when
// the client names it with a higher q-value than any coding; a refused
// identity ("identity;q=0") with no acceptable coding still gets identity,
// as RFC 9110 (12.5.3) allows, rather than a 406.
func chooseEncoding[S text](values []S) encoding {
	qBr, qGz, qID, qAny := -1, -1, -1, -1
	for _, v := range values {
		for len(v) > 0 {
			var elem S
			elem, v = nextElement(v)
			name, params := cutByte(elem, ';')
			name = trimOWS(name)
			q, ok := qValue(params)
			if !ok || len(name) == 0 {
				continue
			}
			switch {
			case equalFold(name, "br"):
				qBr = max(qBr, q)
			case equalFold(name, "gzip"), equalFold(name, "x-gzip"):
				qGz = max(qGz, q)
			case equalFold(name, "identity"):
				qID = max(qID, q)
			case len(name) == 1 && name[0] == '*':
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
func qValue[S text](params S) (q int, ok bool) {
	for len(params) > 0 {
		var p S
		p, params = cutByte(params, ';')
		k, val := cutByte(p, '=')
		if equalFold(trimOWS(k), "q") {
			return parseQ(trimOWS(val))
		}
	}
	return 1000, true
}

// parseQ reads "0", "0.5", "1", "1.000" as thousandths.
func parseQ[S text](s S) (int, bool) {
	if len(s) == 0 || (s[0] != '0' && s[0] != '1') {
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
func etagMatch[S text](header S, etag string) bool {
	s := header
	for {
		s = skipListSpace(s)
		if len(s) == 0 {
			return false
		}
		if s[0] == '*' {
			return true
		}
		if len(s) >= 2 && s[0] == 'W' && s[1] == '/' {
			s = s[2:]
		}
		if len(s) == 0 || s[0] != '"' {
			return false
		}
		end := 1
		for end < len(s) && s[end] != '"' {
			end++
		}
		if end == len(s) {
			return false
		}
		if string(s[:end+1]) == etag {
			return true
		}
		s = s[end+1:]
	}
}

// nextElement splits a comma-separated list: the first element and the
// rest after its comma.
func nextElement[S text](s S) (elem, rest S) { return cutByte(s, ',') }

func cutByte[S text](s S, c byte) (before, after S) {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return s[:i], s[i+1:]
		}
	}
	return s, s[len(s):]
}

func skipListSpace[S text](s S) S {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t' || s[0] == ',') {
		s = s[1:]
	}
	return s
}

func trimOWS[S text](s S) S {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// equalFold compares ASCII case-insensitively; want is lower case.
func equalFold[S text](s S, want string) bool {
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
