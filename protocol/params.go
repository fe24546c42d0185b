package protocol

import "fmt"

// Parameters of the v1 actions, decoded with Request.Params. Every field is
// optional at this level: the host decides which ones an action requires.

// ListParams are the parameters of "list".
type ListParams struct {
	// Store restricts the list to one store id (as in hello's stores).
	Store string `json:"store"`
	// Cursor is the opaque cursor of the previous page, "" for the first.
	Cursor string `json:"cursor"`
}

// MatchParams are the parameters of "match".
type MatchParams struct {
	// URL is the tab's URL, as the browser reports it.
	URL string `json:"url" schema:"required"`
}

// CodeParams are the parameters of "code": Name (and optionally Store), or
// URL.
type CodeParams struct {
	Name  string `json:"name"`
	Store string `json:"store"`
	URL   string `json:"url"`
}

// SaveParams are the parameters of "save".
type SaveParams struct {
	URL string `json:"url" schema:"required"`
	// URI is the otpauth URI captured on the page. It is a secret.
	URI  string `json:"uri" schema:"required"`
	Name string `json:"name"`
	// Store is "pass", "keyring" or "both" ("" lets the host choose).
	Store     string `json:"store"`
	Overwrite bool   `json:"overwrite"`
}

// String leaves out the URI, which holds the secret.
func (p SaveParams) String() string {
	return fmt.Sprintf("save url=%q name=%q store=%q overwrite=%t uri=REDACTED", p.URL, p.Name, p.Store, p.Overwrite)
}

// GoString keeps %#v from printing the URI.
func (p SaveParams) GoString() string { return p.String() }

// SaveRecoveryParams are the parameters of "save_recovery".
type SaveRecoveryParams struct {
	URL string `json:"url" schema:"required"`
	// Codes are the site's recovery codes. They are secrets.
	Codes []string `json:"codes" schema:"required"`
	Name  string   `json:"name"`
	Store string   `json:"store"`
	// Create asks for a new entry only: a name that already exists is
	// `exists`, and nothing is written (added with recovery-codes-only
	// entries).
	Create bool `json:"create"`
}

// String leaves out the codes, which are secrets.
func (p SaveRecoveryParams) String() string {
	return fmt.Sprintf("save_recovery url=%q name=%q store=%q create=%t codes=%d REDACTED", p.URL, p.Name, p.Store, p.Create, len(p.Codes))
}

// GoString keeps %#v from printing the codes.
func (p SaveRecoveryParams) GoString() string { return p.String() }

// AliasParams are the parameters of "alias".
type AliasParams struct {
	URL   string `json:"url" schema:"required"`
	Name  string `json:"name" schema:"required"`
	Store string `json:"store"`
}

// PreviewParams are the parameters of "preview": what a save of URI on the
// site at URL would write, without writing. The URI is a secret.
type PreviewParams struct {
	URL   string `json:"url" schema:"required"`
	URI   string `json:"uri" schema:"required"`
	Name  string `json:"name"`
	Store string `json:"store"`
}

func (p PreviewParams) String() string {
	return fmt.Sprintf("preview url=%q name=%q store=%q uri=REDACTED", p.URL, p.Name, p.Store)
}

func (p PreviewParams) GoString() string { return p.String() }

// UndoParams are the parameters of "undo": the token a save answered with,
// and (optional, added with site binding) the tab's URL: when given, the
// entry must belong to that site.
type UndoParams struct {
	Token string `json:"token" schema:"required"`
	URL   string `json:"url"`
}
