package notify

import (
	"testing"
	"time"
)

func TestSignAndVerify(t *testing.T) {
	now := time.Unix(1795165200, 0)
	body := []byte(`{"kind":"remediation.reminder"}`)
	sig := "sha256=" + Sign("s3cret", "1795165200", body)
	cases := []struct {
		name            string
		secret, ts, sig string
		body            []byte
		now             time.Time
		want            bool
	}{
		{"valid", "s3cret", "1795165200", sig, body, now, true},
		{"within tolerance", "s3cret", "1795165200", sig, body, now.Add(4 * time.Minute), true},
		{"wrong secret", "other", "1795165200", sig, body, now, false},
		{"body changed", "s3cret", "1795165200", sig, []byte(`{"kind":"x"}`), now, false},
		{"timestamp changed", "s3cret", "1795165201", sig, body, now, false},
		{"replayed late", "s3cret", "1795165200", sig, body, now.Add(10 * time.Minute), false},
		{"no signature", "s3cret", "1795165200", "", body, now, false},
		{"bad timestamp", "s3cret", "soon", sig, body, now, false},
	}
	for _, c := range cases {
		if got := Verify(c.secret, c.ts, c.sig, c.body, c.now, 5*time.Minute); got != c.want {
			t.Errorf("%s: Verify = %v, want %v", c.name, got, c.want)
		}
	}
}
