package notify

import (
	"bytes"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"mime"
	"net"
	"net/smtp"
	"strings"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/i18n"
)

// SMTP is the mail server notifications are sent through.
type SMTP struct {
	Addr     string // host:port
	From     string
	Username string // AUTH PLAIN when set
	Password string
	// StartTLS upgrades the connection before authenticating; it is
	// required whenever a username is set.
	StartTLS bool
	// TLS is the TLS configuration for STARTTLS (nil: the system's roots).
	TLS *tls.Config
}

// email sends one delivery as a text and HTML message.
func (d *Deliverer) email(del hansei.Delivery) error {
	if d.SMTP == nil {
		return fmt.Errorf("no SMTP server is configured")
	}
	var n hansei.Notification
	if err := json.Unmarshal(del.Payload, &n); err != nil {
		return err
	}
	cats := d.Catalogs
	if cats == nil {
		cats = i18n.MustBuiltin()
	}
	msg := message(d.SMTP.From, del.Target, del.DeliveryID, n, cats.Printer(cats.Match(n.Language)), d.now())
	host, _, err := net.SplitHostPort(d.SMTP.Addr)
	if err != nil {
		return fmt.Errorf("SMTP address %q: %w", d.SMTP.Addr, err)
	}
	conn, err := net.DialTimeout("tcp", d.SMTP.Addr, 10*time.Second)
	if err != nil {
		return err
	}
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if d.SMTP.StartTLS {
		cfg := &tls.Config{ServerName: host}
		if d.SMTP.TLS != nil {
			cfg = d.SMTP.TLS.Clone()
			cfg.ServerName = host
		}
		if err := c.StartTLS(cfg); err != nil {
			return fmt.Errorf("STARTTLS: %w", err)
		}
	}
	if d.SMTP.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", d.SMTP.Username, d.SMTP.Password, host)); err != nil {
			return fmt.Errorf("AUTH: %w", err)
		}
	}
	if err := c.Mail(addressOf(d.SMTP.From)); err != nil {
		return err
	}
	if err := c.Rcpt(del.Target); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

func addressOf(from string) string {
	if i := strings.LastIndex(from, "<"); i >= 0 {
		return strings.TrimSuffix(from[i+1:], ">")
	}
	return from
}

// message is the MIME message: text and HTML alternatives. Message-ID
// carries the delivery id, so a repeat of one delivery is recognisable.
// The subject and text were printed in the recipient's language when the
// notification was written to the outbox (app.FanOut); p, a printer for
// that language, prints the line that says when it was sent, known only
// now.
func message(from, to, deliveryID string, n hansei.Notification, p *i18n.Printer, now time.Time) []byte {
	b := make([]byte, 12)
	rand.Read(b)
	boundary := "hansei-" + hex.EncodeToString(b)
	var m bytes.Buffer
	fmt.Fprintf(&m, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s@hansei>\r\n",
		from, to, mime.QEncoding.Encode("utf-8", n.Subject), now.UTC().Format(time.RFC1123Z), deliveryID)
	fmt.Fprintf(&m, "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=%q\r\n\r\n", boundary)
	footer := sentLine(p, n.TimeZone, now)
	fmt.Fprintf(&m, "--%s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n\r\n%s\r\n\r\n", boundary, n.Text, footer)
	fmt.Fprintf(&m, "--%s\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p><strong>%s</strong></p>\r\n<p>%s</p>\r\n<p><small>%s</small></p>\r\n\r\n",
		boundary, html.EscapeString(n.Subject), html.EscapeString(n.Text), html.EscapeString(footer))
	fmt.Fprintf(&m, "--%s--\r\n", boundary)
	return m.Bytes()
}

// sentLine says when hansei sent the message, in the recipient's language
// and time zone, beside UTC.
func sentLine(p *i18n.Printer, zone string, now time.Time) string {
	loc, err := time.LoadLocation(zone)
	if err != nil || zone == "" {
		loc = time.UTC
	}
	return p.T("notify.email.sent", "Local", now.In(loc).Format("2006-01-02 15:04 MST"), "UTC", now.UTC().Format("15:04 UTC"))
}
