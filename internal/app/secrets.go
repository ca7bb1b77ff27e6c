package app

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// The secrets hansei hands out: API tokens, one-time sign-in links and
// session cookies (docs/auth.md). They are made, and hashed, here rather
// than in storage: the store receives only SHA-256 hashes, so no secret
// ever reaches a query, a query log or a store's error message, and a
// store written for another database cannot store one in the clear by
// mistake. A lookup hashes the presented secret and asks for that hash.

const (
	// Prefixes tell secrets apart in logs and let secret scanners find
	// them; a secret of the wrong kind is refused before storage is asked.
	tokenPrefix      = "hsi_"
	signInLinkPrefix = "hsl_"
	sessionPrefix    = "hss_"

	// bcryptCost makes one password check take about a quarter of a second:
	// slow for someone guessing offline, unnoticeable at a sign-in form.
	bcryptCost = 12
	// dummyHash is a cost-12 bcrypt hash of a password nobody can type
	// here. SignIn compares against it when there is no real hash, so an
	// unknown name takes as long to refuse as a wrong password and the
	// time of a refusal does not tell which user names exist. Its cost must
	// stay bcryptCost (a test checks).
	dummyHash = "$2a$12$HNvFFoRkuQeBvei5qAMquej7lUmRJlU9nTKiUti6eMcB4MKlaAWvG"
)

// randomToken returns prefix and 32 random bytes in lower-case base32:
// safe in URLs, cookies and shells without quoting.
func randomToken(prefix string) string {
	b := make([]byte, 32)
	rand.Read(b)
	return prefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// randomCSRF returns a session's form token. It is stored as it is, not
// hashed: it is worth nothing without the session cookie, and the page
// must be able to print it.
func randomCSRF() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashSecret is what the store keeps of a secret. A fast hash is enough:
// the secret is 32 random bytes, so there is nothing to guess offline,
// unlike a password.
func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
