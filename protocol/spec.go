package protocol

//go:generate go run ./internal/schemagen

// The machine-readable description of protocol v1. schema.json beside this
// file and the extension's src/shared/protocol.gen.ts are generated from
// these Go types (`make generate`), and a test fails when they differ.
//
// Struct tags read by the generator, besides json: `schema:"required"` marks
// a parameter the host requires (a result field is required unless it is
// omitempty); `schema:"enum=Name"` gives a string field the values of one
// of the enums named in EnumPrefixes.

// ActionSpec names an action with the Go types of its parameters and of its
// result (both structs, as passed to Request.Params and EncodeResult).
type ActionSpec struct {
	Action string
	Params any
	Result any
}

// Actions lists every action of protocol v1, in the order PROTOCOL.md
// documents them.
var Actions = []ActionSpec{
	{ActionHello, HelloParams{}, HelloResult{}},
	{ActionList, ListParams{}, ListResult{}},
	{ActionMatch, MatchParams{}, MatchResult{}},
	{ActionCode, CodeParams{}, CodeResult{}},
	{ActionSave, SaveParams{}, SaveResult{}},
	{ActionSaveRecovery, SaveRecoveryParams{}, SaveRecoveryResult{}},
	{ActionAlias, AliasParams{}, AliasResult{}},
	{ActionPreview, PreviewParams{}, PreviewResult{}},
	{ActionUndo, UndoParams{}, UndoResult{}},
}

// EnumPrefixes maps an enum of the schema to the prefix of the constants in
// this package that are its values (ErrorCode: the constants of type Code).
var EnumPrefixes = map[string]string{
	"ErrorCode": "Code",
	"Action":    "Action",
	"Strength":  "Strength",
	"OtpType":   "Type",
	"EntryType": "EntryType",
	"StoreKind": "StoreKind",
}

// Store kinds, as hello's stores report them.
const (
	StoreKindPass    = "pass"
	StoreKindKeyring = "keyring"
)

// HelloParams are the parameters of "hello": none.
type HelloParams struct{}

// ErrorBody is the "error" object of an error response, as EncodeError
// writes it: a stable code, a message for people, and extras.
type ErrorBody struct {
	// Code is one of the Code constants; a client must accept codes it does
	// not know (a newer host), as "internal".
	Code Code `json:"code" schema:"enum=ErrorCode"`
	// Message says what went wrong and what to do, for people. It never
	// holds a secret, a code or the request's content.
	Message string `json:"message"`
	// Candidates, for ambiguous: the exact matches to choose from.
	Candidates []EntryRef `json:"candidates,omitempty"`
}
