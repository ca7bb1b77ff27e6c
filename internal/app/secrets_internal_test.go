package app

import (
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// TestDummyHashCost: an unknown user name is refused only as slowly as a
// wrong password if the hash compared in its place costs what real
// passwords cost.
func TestDummyHashCost(t *testing.T) {
	cost, err := bcrypt.Cost([]byte(dummyHash))
	if err != nil || cost != bcryptCost {
		t.Fatalf("dummy hash cost %d, %v; want %d, the cost of real password hashes", cost, err, bcryptCost)
	}
}
