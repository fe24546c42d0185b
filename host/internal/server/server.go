// Package server is otpfill's native-messaging host: it reads protocol v1
// requests from the browser, answers them from the stores, and keeps serving
// until the browser closes the stream. It never writes anything to its output
// but protocol frames, and never sends a stored secret: only codes.
package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/otpfill/otpfill/host/internal/entry"
	"github.com/otpfill/otpfill/host/internal/lockfile"
	"github.com/otpfill/otpfill/host/internal/match"
	"github.com/otpfill/otpfill/host/internal/otp"
	"github.com/otpfill/otpfill/host/internal/store"
	"github.com/otpfill/otpfill/protocol"
)

// Server answers protocol requests. Its fields are set once before Serve.
type Server struct {
	Version string
	// Stores in order of preference: a name found in several stores is read
	// from the first.
	Stores []store.Store
	// Aliases from the host config.
	Aliases []match.Alias
	// AddAlias persists an alias (the `alias` action); nil refuses it.
	AddAlias func(site, target string) error
	// Optional names stores whose absence is normal (defaults the user
	// never configured); hello marks them so.
	Optional map[string]bool
	// SaveTo is the default target of `save`: a store id or "both".
	SaveTo string
	// Backup maps a store id to its backup store's id (config "backup"):
	// "both" means a store and its backup, HOTP counters advance in both
	// copies, and list/match mark entries without a second copy.
	Backup map[string]string
	// Lock serialises read-modify-write cycles on one entry across host
	// processes (HOTP counters); nil uses an in-process lock only.
	Lock func(storeID, name string) (unlock func(), err error)
	// TypeIndex is the file of the entry-type index (see types.go), in
	// the state folder; "" keeps none, and match then never says a type.
	TypeIndex string
	Now       func() time.Time
	Log       zerolog.Logger

	undos undoLog
	made  madeLog
}

// Serve reads requests from r and writes responses to w until r ends. It
// returns nil on a clean end of stream, and an error when the stream cannot
// go on (a truncated or over-long frame, a failed write).
func (s *Server) Serve(ctx context.Context, r io.Reader, w io.Writer) error {
	for {
		body, err := protocol.ReadFrame(r, protocol.MaxRequestSize)
		if err == io.EOF {
			s.Log.Debug().Msg("browser closed the connection")
			return nil
		}
		var tooLarge *protocol.FrameTooLargeError
		if errors.As(err, &tooLarge) {
			// The rest of the stream cannot be resynchronised: answer, then stop.
			resp := protocol.EncodeError("", protocol.CodeTooLarge, tooLarge.Error(), nil)
			if werr := protocol.WriteFrame(w, resp); werr != nil {
				return werr
			}
			return err
		}
		if err != nil {
			return fmt.Errorf("failed to read a request: %w", err)
		}
		resp := s.Handle(ctx, body)
		if err := protocol.WriteFrame(w, resp); err != nil {
			return fmt.Errorf("failed to write a response: %w", err)
		}
	}
}

// Handle answers one request body with one response body. It never panics.
func (s *Server) Handle(ctx context.Context, body []byte) (resp []byte) {
	req, err := protocol.DecodeRequest(body)
	if err != nil {
		var re *protocol.RequestError
		if errors.As(err, &re) {
			s.Log.Info().Str("id", re.ID).Str("code", string(re.Code)).Msg(re.Msg)
			return protocol.EncodeError(re.ID, re.Code, re.Msg, nil)
		}
		return protocol.EncodeError("", protocol.CodeBadRequest, "the request could not be read", nil)
	}
	start := time.Now()
	// The action is the request's own text, up to 1 MiB: never logged whole.
	action := truncate(req.Action, maxLoggedValue)
	defer func() {
		if p := recover(); p != nil {
			s.Log.Error().Str("id", req.ID).Str("action", action).Interface("panic", fmt.Sprint(p)).Str("stack", string(debug.Stack())).Msg("request panicked")
			resp = protocol.EncodeError(req.ID, protocol.CodeInternal, "internal error in the otpfill host; see its log", nil)
		}
	}()
	ctx, warns := store.WithWarnings(ctx)
	result, err := s.dispatch(ctx, req)
	warning := strings.Join(warns.List(), "; ")
	if err != nil {
		code, msg, extra := s.describe(err)
		if warning != "" {
			// Something was written before the failure (a save whose code
			// could not be computed): say that too.
			msg += "; also: " + warning
		}
		msg = truncate(msg, maxMessage)
		s.Log.Info().Str("id", req.ID).Str("action", action).Str("code", string(code)).Dur("took", time.Since(start)).Msg(msg)
		return protocol.EncodeError(req.ID, code, msg, extra)
	}
	if warning != "" {
		result = withWarning(result, warning)
		s.Log.Info().Str("id", req.ID).Str("action", action).Msg("answered with a warning")
	}
	out, err := protocol.EncodeResult(req.ID, result)
	if err != nil {
		s.Log.Error().Str("id", req.ID).Str("action", action).Err(err).Msg("cannot encode the answer")
		return protocol.EncodeError(req.ID, protocol.CodeInternal, "the answer could not be encoded; see the otpfill log", nil)
	}
	s.Log.Trace().Str("id", req.ID).Str("action", action).Dur("took", time.Since(start)).Msg("answered")
	return out
}

func (s *Server) dispatch(ctx context.Context, req *protocol.Request) (any, error) {
	switch req.Action {
	case protocol.ActionHello:
		return s.hello(ctx), nil
	case protocol.ActionList:
		var p protocol.ListParams
		if err := req.Params(&p); err != nil {
			return nil, err
		}
		return s.list(ctx, p)
	case protocol.ActionMatch:
		var p protocol.MatchParams
		if err := req.Params(&p); err != nil {
			return nil, err
		}
		return s.match(ctx, p)
	case protocol.ActionCode:
		var p protocol.CodeParams
		if err := req.Params(&p); err != nil {
			return nil, err
		}
		return s.code(ctx, p)
	case protocol.ActionSave:
		var p protocol.SaveParams
		if err := req.Params(&p); err != nil {
			return nil, err
		}
		return s.save(ctx, p)
	case protocol.ActionSaveRecovery:
		var p protocol.SaveRecoveryParams
		if err := req.Params(&p); err != nil {
			return nil, err
		}
		return s.saveRecovery(ctx, p)
	case protocol.ActionAlias:
		var p protocol.AliasParams
		if err := req.Params(&p); err != nil {
			return nil, err
		}
		return s.alias(ctx, p)
	case protocol.ActionPreview:
		var p protocol.PreviewParams
		if err := req.Params(&p); err != nil {
			return nil, err
		}
		return s.preview(ctx, p)
	case protocol.ActionUndo:
		var p protocol.UndoParams
		if err := req.Params(&p); err != nil {
			return nil, err
		}
		return s.undo(ctx, p)
	}
	return nil, &protocol.RequestError{Code: protocol.CodeUnknownAction, Msg: fmt.Sprintf("unknown action %q (this host speaks protocol %d; update otpfill?)", truncate(req.Action, maxLoggedValue), protocol.Version), ID: req.ID}
}

// withWarning adds a warning (an entry written but not committed) to the
// results of the actions that write, after any they carry already.
func withWarning(result any, warning string) any {
	join := func(w *string) {
		if *w != "" {
			*w += "; "
		}
		*w += warning
	}
	switch r := result.(type) {
	case protocol.CodeResult:
		join(&r.Warning)
		return r
	case protocol.SaveResult:
		join(&r.Warning)
		return r
	case protocol.SaveRecoveryResult:
		join(&r.Warning)
		return r
	case protocol.UndoResult:
		join(&r.Warning)
		return r
	}
	return result
}

// ambiguousError carries the candidates of an ambiguous `code` request.
type ambiguousError struct {
	site       string
	candidates []protocol.EntryRef
}

func (e *ambiguousError) Error() string {
	return fmt.Sprintf("%d entries match %s exactly: choose one", len(e.candidates), e.site)
}

// describe maps an error to its stable protocol code. Messages of the
// packages below are written for people and never hold secrets.
func (s *Server) describe(err error) (protocol.Code, string, map[string]any) {
	var re *protocol.RequestError
	var amb *ambiguousError
	switch {
	case errors.As(err, &re):
		return re.Code, re.Msg, nil
	case errors.As(err, &amb):
		return protocol.CodeAmbiguous, amb.Error(), map[string]any{"candidates": amb.candidates}
	case errors.Is(err, match.ErrInvalidURL):
		return protocol.CodeBadRequest, err.Error(), nil
	case errors.Is(err, store.ErrInvalidName):
		return protocol.CodeInvalidName, err.Error(), nil
	case errors.Is(err, entry.ErrRecoveryOnly):
		return protocol.CodeRecoveryOnly, err.Error(), nil
	case errors.Is(err, store.ErrNotFound), errors.Is(err, entry.ErrNoOTP), errors.Is(err, errNoMatch):
		return protocol.CodeNotFound, err.Error(), nil
	case errors.Is(err, store.ErrExists):
		return protocol.CodeExists, err.Error(), nil
	case errors.Is(err, otp.ErrInvalidURI):
		return protocol.CodeInvalidURI, err.Error(), nil
	case errors.Is(err, store.ErrUnavailable), errors.Is(err, lockfile.ErrUnusable):
		// An unusable state folder is reported like an unusable store: the
		// request cannot be served until the user fixes it, and the message
		// names the folder and why (the log, in that folder, may be missing).
		return protocol.CodeStoreUnavailable, err.Error(), nil
	case errors.Is(err, store.ErrDecrypt):
		return protocol.CodeDecryptFailed, err.Error(), nil
	case errors.Is(err, store.ErrEncrypt):
		return protocol.CodeEncryptFailed, err.Error(), nil
	case errors.Is(err, errForbidden), errors.Is(err, store.ErrForbidden):
		return protocol.CodeForbidden, err.Error(), nil
	}
	s.Log.Error().Err(err).Msg("internal error")
	return protocol.CodeInternal, "internal error in the otpfill host; see its log", nil
}

var (
	errNoMatch   = errors.New("no entry matches")
	errForbidden = errors.New("not allowed")
)

func badRequest(format string, args ...any) error {
	return &protocol.RequestError{Code: protocol.CodeBadRequest, Msg: fmt.Sprintf(format, args...)}
}

// Bounds on what a request can put in a log line or an error message: an
// action or a store id is cut to maxLoggedValue bytes, a whole message to
// maxMessage, so that a flood of 1 MiB requests cannot flood the log.
const (
	maxLoggedValue = 64
	maxMessage     = 2048
)

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}
