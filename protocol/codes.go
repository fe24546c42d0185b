package protocol

// Version is the protocol version, sent as "protocol" in every response.
const Version = 1

// Code is the stable, machine-readable code of an error response
// ("error.code"). The extension switches on it; the message is for people.
type Code string

// Error codes. PROTOCOL.md says when each is used.
//
// DO NOT CHANGE THE VALUES; append only. Extensions already installed
// compare against these strings.
const (
	// CodeBadRequest: the frame body is not a valid request (not UTF-8, not a
	// JSON object, a field of the wrong type, a malformed URL).
	CodeBadRequest Code = "bad_request"
	// CodeTooLarge: the request is over the host's limit; the host exits
	// after answering, since the stream cannot be resynchronised.
	CodeTooLarge Code = "too_large"
	// CodeUnknownAction: the action is not one this host knows.
	CodeUnknownAction Code = "unknown_action"
	// CodeNotFound: no such entry, no match for the URL, or the entry holds
	// no OTP data.
	CodeNotFound Code = "not_found"
	// CodeAmbiguous: several exact matches; error.candidates lists them.
	CodeAmbiguous Code = "ambiguous"
	// CodeExists: save would overwrite an entry and overwrite was not set.
	CodeExists Code = "exists"
	// CodeInvalidURI: the otpauth URI cannot give a correct code.
	CodeInvalidURI Code = "invalid_uri"
	// CodeInvalidName: the entry name is not acceptable (empty, "..", etc.).
	CodeInvalidName Code = "invalid_name"
	// CodeStoreUnavailable: the store cannot be used (missing, locked, no gpg).
	CodeStoreUnavailable Code = "store_unavailable"
	// CodeDecryptFailed: the entry could not be decrypted.
	CodeDecryptFailed Code = "decrypt_failed"
	// CodeEncryptFailed: the entry could not be encrypted or written.
	CodeEncryptFailed Code = "encrypt_failed"
	// CodeForbidden: the request is well-formed but not allowed (for
	// example, it names a store path: paths come only from the host's config).
	CodeForbidden Code = "forbidden"
	// CodeInternal: a bug or an unexpected failure in the host.
	CodeInternal Code = "internal"
	// CodeRecoveryOnly: the entry keeps a site's recovery codes and no 2FA
	// key, so it has no code (added with recovery-codes-only entries).
	CodeRecoveryOnly Code = "recovery_only"
)

// Actions of protocol v1 (the request's "action" field).
const (
	ActionHello        = "hello"
	ActionList         = "list"
	ActionMatch        = "match"
	ActionCode         = "code"
	ActionSave         = "save"
	ActionSaveRecovery = "save_recovery"
	ActionAlias        = "alias"
	// Added for setup capture (the protocol grows by new actions only).
	ActionPreview = "preview"
	ActionUndo    = "undo"
)
