package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hansei-dev/hansei/internal/sqldb/sqldbtest"
)

// TestBrowserPostmortemMerge: two people edit one postmortem in their own
// browsers from the same version. Different sections: both saves stand.
// The same section: the second gets the conflict view, with her text in
// the form and the other's beside it, and saving that resolves it.
func TestBrowserPostmortemMerge(t *testing.T) {
	srv := startServer(t, sqldbtest.SQLite(t).DSN)
	aliceToken := srv.addUser(t, "alice", "responder")
	srv.addUser(t, "bob", "responder")
	api := srv.client(aliceToken)
	n := resolvedIncident(t, api)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := api.CreatePostmortem(ctx, n); err != nil {
		t.Fatal(err)
	}
	page := fmt.Sprintf("/incidents/%d/postmortem", n)

	c := newChrome(t, srv)
	alice, bob := c.newTab("alice"), c.newTab("bob")
	alice.signInByLink("alice")
	bob.signInByLink("bob")
	save := buttonIn("#pm-sections", "Save all sections")
	value := func(b *tab, key string) string {
		return eval[string](b, fmt.Sprintf(`document.getElementById(%s).value`, js("pm-"+key)))
	}

	// Both open the same version; alice writes the impact, bob the detection.
	alice.open(page)
	bob.open(page)
	alice.fill("pm-impact", "About 40% of card payments in the EU failed.")
	alice.submit("alice saves the impact", save)
	bob.fill("pm-detection", "Customers reported failures before the alert.")
	bob.submit("bob saves the detection, from the older version", save)
	if f := bob.text(".flash"); !strings.Contains(f, "Saved") {
		t.Fatalf("bob's save of another section says %q", f)
	}
	if got := value(bob, "impact"); got != "About 40% of card payments in the EU failed." {
		t.Errorf("after both saves the impact reads %q, want alice's text", got)
	}
	if got := value(bob, "detection"); got != "Customers reported failures before the alert." {
		t.Errorf("after both saves the detection reads %q, want bob's text", got)
	}

	// Both change the lessons from the same version: the second is shown both texts.
	alice.open(page)
	bob.open(page)
	alice.fill("pm-lessons", "Alerts page on-call.")
	alice.submit("alice saves the lessons", save)
	bob.fill("pm-lessons", "Retries back off.")
	bob.fill("pm-recovery", "Retries disabled; the pool drained.")
	bob.submitWant("bob saves the lessons too", save, 409)
	if f := bob.text(".flash"); !strings.Contains(f, "Someone else changed the same sections") || !strings.Contains(f, "Lessons") {
		t.Errorf("the conflict page says %q", f)
	}
	if got := value(bob, "lessons"); got != "Retries back off." {
		t.Errorf("the conflict view's form holds %q for the lessons, want bob's text", got)
	}
	if got := eval[string](bob, `document.getElementById("theirs-lessons").value`); got != "Alerts page on-call." {
		t.Errorf("beside it the view shows %q, want alice's text", got)
	}
	if got := value(bob, "recovery"); got != "Retries disabled; the pool drained." {
		t.Errorf("bob's change to another section reads %q in the conflict view, want it kept", got)
	}
	// Side by side: the two texts are next to each other, not one under the other.
	if !eval[bool](bob, `(() => { const a = document.getElementById("pm-lessons").getBoundingClientRect(),
		b = document.getElementById("theirs-lessons").getBoundingClientRect(); return b.left >= a.right && Math.abs(a.top - b.top) < 40; })()`) {
		t.Errorf("the two texts are not side by side")
	}

	// Bob merges and saves: both texts are in the postmortem.
	bob.fill("pm-lessons", "Alerts page on-call. Retries back off.")
	bob.submit("bob saves the merged lessons", save)
	pm, err := api.Postmortem(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	if pm.Lessons != "Alerts page on-call. Retries back off." || pm.Recovery != "Retries disabled; the pool drained." ||
		pm.Impact != "About 40% of card payments in the EU failed." || pm.Detection != "Customers reported failures before the alert." {
		t.Errorf("after the merge: impact %q detection %q recovery %q lessons %q", pm.Impact, pm.Detection, pm.Recovery, pm.Lessons)
	}
}
