package hansei

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
)

// The visibility rule for everything hansei sends. A notification is
// written once and fanned out to several copies (every webhook and Slack
// target, and each recipient's email); For decides, per copy, what of it
// that copy's reader may learn:
//
//   - a person who may read every incident the notification tells of (an
//     internal incident, or a restricted one they are a member of, or any
//     as an admin — Incident.CanRead) gets it whole;
//   - anyone else — a person who may not read one of those incidents, and
//     every shared channel (a webhook, Slack: whoever reads the channel
//     reads it, so no restricted incident is readable there) — gets a
//     notice that names no restricted incident: no title, number, text,
//     remediation id or due date, only that something in a restricted
//     incident needs the recipients' attention, whom it is for (To, so
//     that a receiver can route it), its kind, and a link to the generic
//     page to sign in to.
//
// A digest tells of several remediations: the items a copy's reader may
// not read are left out, and a line says that there are more in
// restricted incidents.

// Lookup is what the fan-out looks up, in the transaction that writes the
// outbox rows, so that a copy is decided as things were when the change
// committed.
type Lookup struct {
	User     func(name string) (User, error)
	Incident func(number int64) (Incident, error)
}

// For returns the copy of n that reader may receive: reader is the person
// the copy goes to, or nil for a shared channel. link is the address of
// the page a redacted notice points to (the web UI's remediations, where
// one signs in first), or "" for none. An incident that cannot be found
// counts as unreadable.
func (n Notification) For(reader *User, incident func(number int64) (Incident, error), link string) (Notification, error) {
	readable := map[int64]bool{}
	can := func(number int64) (bool, error) {
		if ok, seen := readable[number]; seen {
			return ok, nil
		}
		inc, err := incident(number)
		if ErrorCode(err) == ENOTFOUND {
			readable[number] = false
			return false, nil
		} else if err != nil {
			return false, err
		}
		ok := inc.Visibility != VisibilityRestricted
		if reader != nil {
			ok = inc.CanRead(*reader)
		}
		readable[number] = ok
		return ok, nil
	}
	if n.Kind == NotifyDigest {
		var visible []Remediation
		for _, r := range n.About {
			ok, err := can(r.Incident)
			if err != nil {
				return Notification{}, err
			}
			if ok {
				visible = append(visible, r)
			}
		}
		if len(visible) == len(n.About) {
			return n, nil
		}
		return redactedDigest(n, visible, link), nil
	}
	for _, number := range n.incidents() {
		ok, err := can(number)
		if err != nil {
			return Notification{}, err
		}
		if !ok {
			if n.Kind == NotifyPage {
				return restrictedPage(n, link), nil // keeps what the page needs (paging.go)
			}
			return restrictedNotice(n, link), nil
		}
	}
	return n, nil
}

// incidents are the incidents n tells of: those of the remediations it is
// about and, should a kind forget to say what it is about, the one its
// data names.
func (n Notification) incidents() []int64 {
	var out []int64
	for _, r := range n.About {
		out = append(out, r.Incident)
	}
	switch v := n.Data["incident"].(type) {
	case int64:
		out = append(out, v)
	case int:
		out = append(out, int64(v))
	case float64:
		out = append(out, int64(v))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// restrictedNotice is what a reader who may not read n's incident gets.
// Its key is a digest of n's key: as stable (the outbox writes it once)
// but it names no remediation or date.
func restrictedNotice(n Notification, link string) Notification {
	sum := sha256.Sum256([]byte(n.Key))
	out := Notification{Key: "restricted:" + hex.EncodeToString(sum[:12]), Kind: n.Kind, To: n.To,
		Data:     map[string]any{"restricted": true},
		Language: n.Language, TimeZone: n.TimeZone}
	if link != "" {
		out.Data["link"] = link
	}
	out.SubjectMessage, out.TextMessages = restrictedWords(link)
	return out
}

// redactedDigest is a digest with only the visible remediations, and a
// line for those left out; it says no more than that there are some.
func redactedDigest(n Notification, visible []Remediation, link string) Notification {
	owner, _ := n.Data["owner"].(string)
	today, _ := n.Data["date"].(string)
	out := Digest(owner, today, visible)
	out.Key, out.Language, out.TimeZone = n.Key, n.Language, n.TimeZone
	out.SubjectMessage = say("notify.digest.subject_restricted")
	more := say("notify.digest.more_restricted")
	if link != "" {
		more = say("notify.digest.more_restricted_link", "Link", link)
	}
	out.TextMessages = append(out.TextMessages, more)
	out.Data["restricted"] = true
	if link != "" {
		out.Data["link"] = link
	}
	return out
}

// restrictedWords are the notice's subject and text: that something in a
// restricted incident needs attention, and where to sign in.
func restrictedWords(link string) (NotificationMessage, []NotificationMessage) {
	text := say("notify.restricted.text")
	if link != "" {
		text = say("notify.restricted.text_link", "Link", link)
	}
	return say("notify.restricted.subject"), []NotificationMessage{text}
}
