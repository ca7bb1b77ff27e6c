package ui

import (
	"errors"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/i18n"
)

// pageError is an error the pages word themselves (a field that is not a
// number, a form that expired): a domain error, so that its code gives the
// status, with the message ID that words it in the reader's language.
type pageError struct {
	err *hansei.Error
	msg i18n.Message
}

func (e *pageError) Error() string { return e.err.Error() }
func (e *pageError) Unwrap() error { return e.err }

// MessageID and MessageArgs make a pageError i18n.Localizable.
func (e *pageError) MessageID() string           { return e.msg.ID }
func (e *pageError) MessageArgs() map[string]any { return e.msg.Args }

// pageErr makes a pageError with code, at field (if any), worded by the
// message id with its arguments as name and value pairs. Its English text
// is the domain error's message, for logs and for whatever reads it as a
// domain error.
func (s *Handler) pageErr(code, field, id string, args ...any) error {
	msg := i18n.Message{ID: id, Args: map[string]any{}}
	for i := 0; i+1 < len(args); i += 2 {
		if name, ok := args[i].(string); ok {
			msg.Args[name] = args[i+1]
		}
	}
	text := s.cats.Printer("en").Print(msg)
	e := &hansei.Error{Code: code, Message: text}
	if field != "" {
		e.Fields = map[string]string{field: text}
	}
	return &pageError{err: e, msg: msg}
}

// localizeFinding is a lint finding with its message and suggestion in
// p's language where the domain says them by ID; a configured phrase's
// own words stay as they are.
func localizeFinding(p *i18n.Printer, f hansei.Finding) hansei.Finding {
	if f.Says.ID != "" && p.Has(f.Says.ID) {
		f.Message = p.Print(f.Says)
	}
	if f.Suggests.ID != "" && p.Has(f.Suggests.ID) {
		f.Suggestion = p.Print(f.Suggests)
	}
	return f
}

// errorText is an error in the viewer's words. An error that names its
// message (the pages' own; the domain's, once it carries message IDs) is
// printed in the viewer's language; an unexpected error gets the generic
// message, since its cause belongs in the log; any other domain error
// still carries its English message, shown as it is.
func (v *viewer) errorText(err error) string {
	var l i18n.Localizable
	if errors.As(err, &l) && l.MessageID() != "" {
		return v.p.Print(l)
	}
	if hansei.ErrorCode(err) == hansei.EINTERNAL {
		return v.T("error.internal")
	}
	return hansei.ErrorMessage(err)
}
