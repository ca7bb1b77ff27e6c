package httpx

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// failingWriter is a ResponseWriter whose client went away: its head is
// taken, its body is not.
type failingWriter struct {
	*httptest.ResponseRecorder
	heads int
}

func (w *failingWriter) WriteHeader(code int) { w.heads++; w.ResponseRecorder.WriteHeader(code) }
func (w *failingWriter) Write([]byte) (int, error) {
	return 0, errors.New("write: connection reset by peer")
}

func TestClientGoneIsDebugAndWritesNoSecondHead(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	r := httptest.NewRequest("GET", "/api/v1/incidents/1", nil)
	w := &failingWriter{ResponseRecorder: httptest.NewRecorder()}
	err := WriteJSON(w, http.StatusOK, map[string]int{"number": 1})
	if !ClientGone(r, err) {
		t.Fatalf("a failed send is %v, not ClientGone", err)
	}
	WriteError(log, w, r, err)
	if w.heads != 1 {
		t.Errorf("%d heads written, want 1", w.heads)
	}
	if s := logs.String(); !strings.Contains(s, "level=DEBUG") || strings.Contains(s, "level=ERROR") {
		t.Errorf("logged:\n%s", s)
	}

	// Work given up because the client left is the same.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if !ClientGone(r.WithContext(ctx), context.Canceled) || ClientGone(r, context.Canceled) {
		t.Error("context.Canceled is ClientGone only when the request's own context ended")
	}
}

func TestWriteJSONEncodesBeforeTheHead(t *testing.T) {
	w := httptest.NewRecorder()
	if err := WriteJSON(w, http.StatusOK, map[string]any{"bad": make(chan int)}); err == nil || ClientGone(httptest.NewRequest("GET", "/", nil), err) {
		t.Fatalf("an encoding failure is %v, want an error that is not ClientGone", err)
	}
	if w.Body.Len() != 0 || w.Header().Get("Content-Type") != "" {
		t.Errorf("a failed encoding sent %q with %v: the error answer could not follow", w.Body.String(), w.Header())
	}
}
