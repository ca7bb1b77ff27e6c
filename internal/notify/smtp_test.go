package notify

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// smtpServer is a small real SMTP server: EHLO, STARTTLS, AUTH PLAIN,
// MAIL, RCPT, DATA, QUIT. It refuses AUTH before STARTTLS, as a careful
// server does.
type smtpServer struct {
	ln       net.Listener
	tls      *tls.Config
	user     string
	password string
	mu       sync.Mutex
	messages []receivedMail
}

type receivedMail struct {
	from, to, data string
	tls, authed    bool
}

func (s *smtpServer) serve(t *testing.T) {
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		go s.session(t, conn)
	}
}

func (s *smtpServer) session(t *testing.T, conn net.Conn) {
	defer conn.Close()
	r, w := bufio.NewReader(conn), bufio.NewWriter(conn)
	say := func(line string) { w.WriteString(line + "\r\n"); w.Flush() }
	say("220 test ESMTP")
	var m receivedMail
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.TrimSpace(line)
		upper := strings.ToUpper(cmd)
		switch {
		case strings.HasPrefix(upper, "EHLO"):
			w.WriteString("250-test\r\n")
			if !m.tls {
				w.WriteString("250-STARTTLS\r\n")
			}
			say("250 AUTH PLAIN")
		case upper == "STARTTLS":
			say("220 go ahead")
			tc := tls.Server(conn, s.tls)
			if err := tc.Handshake(); err != nil {
				t.Errorf("smtp server TLS handshake: %v", err)
				return
			}
			conn, m.tls = tc, true
			r, w = bufio.NewReader(tc), bufio.NewWriter(tc)
		case strings.HasPrefix(upper, "AUTH PLAIN"):
			if !m.tls {
				say("538 encryption required")
				continue
			}
			raw, _ := base64.StdEncoding.DecodeString(strings.TrimSpace(cmd[len("AUTH PLAIN"):]))
			parts := strings.Split(string(raw), "\x00")
			if len(parts) == 3 && parts[1] == s.user && parts[2] == s.password {
				m.authed = true
				say("235 ok")
			} else {
				say("535 bad credentials")
			}
		case strings.HasPrefix(upper, "MAIL FROM:"):
			m.from = strings.Trim(cmd[len("MAIL FROM:"):], "<> ")
			say("250 ok")
		case strings.HasPrefix(upper, "RCPT TO:"):
			m.to = strings.Trim(cmd[len("RCPT TO:"):], "<> ")
			say("250 ok")
		case upper == "DATA":
			say("354 go on")
			var data strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				data.WriteString(l)
			}
			m.data = data.String()
			s.mu.Lock()
			s.messages = append(s.messages, m)
			s.mu.Unlock()
			say("250 queued")
		case upper == "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

// selfSigned makes a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

// oneDelivery is a store that hands out one delivery and records its outcome.
type oneDelivery struct {
	d       []hansei.Delivery
	failure error
	done    bool
}

func (o *oneDelivery) ClaimDeliveries(context.Context, int, time.Duration) ([]hansei.Delivery, error) {
	d := o.d
	o.d = nil
	return d, nil
}

func (o *oneDelivery) FinishDelivery(_ context.Context, _ hansei.Delivery, failure error) error {
	o.failure, o.done = failure, true
	return nil
}

// TestEmailOverSTARTTLSWithAuth sends a notification to a real SMTP server
// that requires STARTTLS before AUTH: the message arrives encrypted and
// authenticated, with text and HTML parts and the delivery id.
func TestEmailOverSTARTTLSWithAuth(t *testing.T) {
	cert, pool := selfSigned(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	srv := &smtpServer{ln: ln, tls: &tls.Config{Certificates: []tls.Certificate{cert}}, user: "hansei", password: "pw"}
	go srv.serve(t)

	// The outbox holds the copy as the fan-out printed it, in the
	// recipient's language; the deliverer adds the line that says when.
	n := hansei.Notification{Key: "reminder:7:2026-12-01:due", Kind: hansei.NotifyDue, To: []string{"carla"},
		Subject: "Maßnahme 7 ist heute fällig", Text: "„Back off <client> retries“ (INC-1, P1) ist heute fällig.",
		Data:     map[string]any{"remediation": 7, "incident": 1, "title": "Back off <client> retries", "priority": "P1", "due": "2026-12-01"},
		Language: "de", TimeZone: "Europe/Berlin"}
	payload, _ := json.Marshal(n)
	store := &oneDelivery{d: []hansei.Delivery{{ID: 1, DeliveryID: "d-123", Channel: "email", Target: "carla@example.com", Payload: payload, Attempts: 1}}}
	sent := time.Date(2026, 12, 1, 8, 30, 0, 0, time.UTC)
	d := New(store, func() time.Time { return sent }, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	d.SMTP = &SMTP{Addr: ln.Addr().String(), From: "hansei <hansei@example.com>", Username: "hansei", Password: "pw",
		StartTLS: true, TLS: &tls.Config{RootCAs: pool}}
	if n, err := d.DeliverOnce(context.Background()); err != nil || n != 1 || store.failure != nil {
		t.Fatalf("delivered %d, %v, failure %v", n, err, store.failure)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if len(srv.messages) != 1 {
		t.Fatalf("%d messages", len(srv.messages))
	}
	m := srv.messages[0]
	if !m.tls || !m.authed || m.from != "hansei@example.com" || m.to != "carla@example.com" {
		t.Fatalf("message envelope: %+v", m)
	}
	for _, want := range []string{"Subject: =?utf-8?q?Ma=C3=9Fnahme_7_ist_heute_f=C3=A4llig?=", "Message-ID: <d-123@hansei>",
		"Content-Type: text/plain", "Content-Type: text/html", "„Back off &lt;client&gt; retries“ (INC-1, P1) ist heute fällig.",
		"Von hansei gesendet: 2026-12-01 09:30 CET (08:30 UTC)"} {
		if !strings.Contains(m.data, want) {
			t.Errorf("message lacks %q:\n%s", want, m.data)
		}
	}

	// Wrong credentials: the delivery fails and is retried later.
	store.d = []hansei.Delivery{{ID: 2, DeliveryID: "d-124", Channel: "email", Target: "carla@example.com", Payload: payload, Attempts: 1}}
	d.SMTP.Password = "wrong"
	srv.mu.Unlock()
	_, err = d.DeliverOnce(context.Background())
	srv.mu.Lock()
	if err != nil || store.failure == nil || !strings.Contains(store.failure.Error(), "AUTH") {
		t.Fatalf("bad password: %v, failure %v", err, store.failure)
	}
}
