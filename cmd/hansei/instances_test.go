package main

import (
	"context"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/sqldb/sqldbtest"
)

// TestTwoInstancesBehaveAsOne runs two real servers on one PostgreSQL
// database: an event written through one reaches a subscriber of the
// other, and an intent expires exactly once although both run the
// scheduler.
func TestTwoInstancesBehaveAsOne(t *testing.T) {
	pg, ok := sqldbtest.Postgres(t)
	if !ok {
		t.Skip("needs PostgreSQL")
	}
	clock := newTestClock()
	a := startServerAt(t, clock, pg.DSN)
	b := startServerAt(t, clock, pg.DSN)
	admin := a.AdminToken
	bob := a.addUser(t, "bob", "responder")
	a.mustCLI(t, admin, "incident", "declare", "--severity", "SEV2", "Checkout failing")
	onB := follow(t, b.client(bob), 1, 0)
	a.mustCLI(t, bob, "incident", "join", "1")
	a.mustCLI(t, bob, "incident", "note", "1", "written through instance A")
	onB.waitFor(t, hansei.EventNoteAdded)

	a.mustCLI(t, bob, "intent", "1", "--action", "fail over the primary", "--window", "1m")
	clock.Add(time.Minute + time.Second)
	onB.waitFor(t, hansei.EventIntentExpired)
	time.Sleep(600 * time.Millisecond) // two more scheduler rounds on each instance
	tl, err := b.client(admin).Timeline(context.Background(), 1, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	expiries := 0
	for _, e := range tl.Items {
		if e.Type == hansei.EventIntentExpired {
			expiries++
		}
	}
	if expiries != 1 {
		t.Fatalf("%d expiry events, want exactly 1", expiries)
	}
}
