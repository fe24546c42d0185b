package gpgcli

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/otpfill/otpfill/host/internal/pgp"
	"github.com/otpfill/otpfill/host/internal/pgp/agent"
	"github.com/otpfill/otpfill/internal/atomicfile"
)

// agentEngine is the agent path: gpg-agent already holds the unlocked key,
// so instead of starting gpg (most of the time a code takes) it asks the
// agent to unwrap the session key, as gpg itself would, and decrypts the
// rest in Go. What it needs to know about the keys (keygrips, ECDH
// parameters, the agent's socket) comes from gpg once and is cached on disk,
// keyed on the keyrings' modification times.
//
// It is not a whole engine: anything unusual (a key kind it does not know,
// no agent, a key the agent lacks) is an error wrapping agent.ErrUnsupported,
// and Engine.Decrypt then runs gpg. Its other errors are final (the user
// cancelled the prompt, the agent did not answer in time).
type agentEngine struct {
	// gpg lists the keys for the table; its environment, timeout and log
	// are the agent path's too.
	gpg      *Engine
	cacheDir string

	mu    sync.Mutex
	cache *keyCache
	keys  map[uint64]*agent.Key
	// fromDisk: the table was read from the cache file, not built now.
	fromDisk bool
}

// agentEnabled: the agent path runs when a cache folder is set, gpg is run
// with no user options (PASSWORD_STORE_GPG_OPTS may change anything, so gpg
// must see them), and the agent is reached over a Unix socket.
func agentEnabled(o Options) bool {
	return o.CacheDir != "" && len(strings.Fields(o.Opts)) == 0 && runtime.GOOS != "windows" && o.Binary != ""
}

// cacheVersion changes whenever the cache file's meaning does.
const cacheVersion = 1

type keyCache struct {
	Version int         `json:"version"`
	Stamp   string      `json:"stamp"`
	Socket  string      `json:"socket"`
	Keys    []cachedKey `json:"keys"`
}

type cachedKey struct {
	Fingerprint string `json:"fpr"`
	Keygrip     string `json:"grip"`
	Algo        int    `json:"algo"`
	Curve       string `json:"curve,omitempty"` // hex OID
	KDFHash     int    `json:"kdf_hash,omitempty"`
	KDFCipher   int    `json:"kdf_cipher,omitempty"`
	UID         string `json:"uid,omitempty"`
}

// stamp changes when the keys or the gpg in use may have.
func (a *agentEngine) stamp(home string) string {
	var b strings.Builder
	b.WriteString(home)
	b.WriteByte(0)
	b.WriteString(a.gpg.binary)
	for _, p := range []string{a.gpg.binary, filepath.Join(home, "pubring.kbx"), filepath.Join(home, "pubring.gpg"), filepath.Join(home, "public-keys.d", "pubring.db"), filepath.Join(home, "private-keys-v1.d"), filepath.Join(home, "gpg.conf"), filepath.Join(home, "common.conf")} {
		if fi, err := os.Stat(p); err == nil {
			fmt.Fprintf(&b, "|%d.%d", fi.ModTime().UnixNano(), fi.Size())
		} else {
			b.WriteString("|-")
		}
	}
	return b.String()
}

func (a *agentEngine) cachePath(home string) string {
	sum := sha256.Sum256([]byte(home))
	return filepath.Join(a.cacheDir, "gpg-keys-"+hex.EncodeToString(sum[:6])+".json")
}

// loadKeys returns the cached key table, rebuilding it from gpg when it is
// missing or stale.
func (a *agentEngine) loadKeys(ctx context.Context) (*keyCache, map[uint64]*agent.Key, error) {
	return a.loadKeysFresh(ctx, false)
}

// loadKeysFresh is loadKeys; rebuild ignores the cache file.
func (a *agentEngine) loadKeysFresh(ctx context.Context, rebuild bool) (*keyCache, map[uint64]*agent.Key, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.cache != nil && !rebuild {
		return a.cache, a.keys, nil
	}
	home := a.gpg.gnupgHome()
	stamp := a.stamp(home)
	path := a.cachePath(home)
	var kc keyCache
	if data, err := os.ReadFile(path); !rebuild && err == nil && json.Unmarshal(data, &kc) == nil && kc.Version == cacheVersion && kc.Stamp == stamp {
		a.cache, a.keys, a.fromDisk = &kc, kc.table(), true
		return a.cache, a.keys, nil
	}
	fresh, err := a.buildCache(ctx, home)
	if err != nil {
		return nil, nil, err
	}
	fresh.Stamp = stamp
	if data, err := json.Marshal(fresh); err == nil {
		if err := os.MkdirAll(a.cacheDir, 0o700); err == nil {
			if err := atomicfile.WriteFile(path, data, 0o600); err != nil {
				a.gpg.log.Debug().Err(err).Msg("cannot write the gpg key cache")
			}
		}
	}
	a.cache, a.keys, a.fromDisk = fresh, fresh.table(), false
	return a.cache, a.keys, nil
}

// tableFromDisk reports whether the key table in use was read from the
// cache file rather than built by this process.
func (a *agentEngine) tableFromDisk() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.fromDisk
}

// forget drops the cache: the agent's socket was not where it said.
func (a *agentEngine) forget() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.cache, a.keys = nil, nil
	os.Remove(a.cachePath(a.gpg.gnupgHome()))
}

func (kc *keyCache) table() map[uint64]*agent.Key {
	t := make(map[uint64]*agent.Key, len(kc.Keys))
	for _, c := range kc.Keys {
		fpr, err := hex.DecodeString(c.Fingerprint)
		if err != nil || len(fpr) != sha1.Size {
			continue
		}
		k := &agent.Key{Fingerprint: fpr, Keygrip: c.Keygrip, Algo: c.Algo, KDFHash: byte(c.KDFHash), KDFCipher: byte(c.KDFCipher), Description: c.UID}
		if c.Curve != "" {
			k.CurveOID, _ = hex.DecodeString(c.Curve)
		}
		t[k.KeyID()] = k
	}
	return t
}

// buildCache asks gpg for the secret keys, their keygrips and (for ECDH)
// their KDF parameters, and gpgconf for the agent's socket.
func (a *agentEngine) buildCache(ctx context.Context, home string) (*keyCache, error) {
	kc := &keyCache{Version: cacheVersion}
	gpgconf := filepath.Join(filepath.Dir(a.gpg.binary), "gpgconf")
	if out, err := a.gpg.output(ctx, gpgconf, "--list-dirs", "agent-socket"); err == nil {
		kc.Socket = strings.TrimSpace(string(out))
	}
	if kc.Socket == "" {
		kc.Socket = filepath.Join(home, "S.gpg-agent")
	}
	out, err := a.gpg.output(ctx, a.gpg.binary, "--batch", "--no-tty", "--with-colons", "--with-keygrip", "--list-secret-keys")
	if err != nil {
		return nil, fmt.Errorf("%w: listing secret keys: %v", agent.ErrUnsupported, err)
	}
	kc.Keys = usableKeys(parseSecretKeyList(out))
	var ecdh []string
	for _, k := range kc.Keys {
		if k.Algo == agent.AlgoECDH {
			ecdh = append(ecdh, k.Fingerprint)
		}
	}
	if len(ecdh) > 0 {
		pub, err := a.gpg.output(ctx, a.gpg.binary, append([]string{"--batch", "--no-tty", "--export", "--"}, ecdh...)...)
		if err != nil {
			return nil, fmt.Errorf("%w: exporting public keys: %v", agent.ErrUnsupported, err)
		}
		params := ecdhParams(pub)
		for i := range kc.Keys {
			if p, ok := params[kc.Keys[i].Fingerprint]; ok {
				kc.Keys[i].Curve, kc.Keys[i].KDFHash, kc.Keys[i].KDFCipher = p.curve, p.hash, p.cipher
			}
		}
	}
	return kc, nil
}

// hexFingerprintLen and hexKeygripLen: a v4 fingerprint and a keygrip are
// both 20 bytes, listed in hex.
const (
	hexFingerprintLen = 2 * sha1.Size
	hexKeygripLen     = 2 * sha1.Size
)

// usableKeys keeps the listed keys the agent path can decrypt with: those
// whose secret part is here (or on a smartcard), of an algorithm it knows.
// Expired and revoked keys stay: gpg still decrypts old entries with them.
func usableKeys(listed []listedKey) []cachedKey {
	var keys []cachedKey
	for _, k := range listed {
		if k.stub() || len(k.Fingerprint) != hexFingerprintLen || len(k.Keygrip) != hexKeygripLen {
			continue
		}
		if k.Algo != agent.AlgoRSA && k.Algo != agent.AlgoRSAEncrypt && k.Algo != agent.AlgoECDH {
			continue
		}
		keys = append(keys, cachedKey{Fingerprint: k.Fingerprint, Keygrip: k.Keygrip, Algo: k.Algo, UID: k.UID})
	}
	return keys
}

// Decrypt decrypts through gpg-agent. Errors wrapping agent.ErrUnsupported
// mean "run gpg instead"; the others are final (see agentEngine).
func (a *agentEngine) Decrypt(ctx context.Context, ciphertext []byte) ([]byte, error) {
	plain, err := a.decrypt(ctx, ciphertext)
	if err == nil {
		return plain, nil
	}
	if final := errorForAgent(err); final != nil {
		return nil, final
	}
	if !errors.Is(err, agent.ErrUnsupported) {
		err = fmt.Errorf("%w: %w", agent.ErrUnsupported, err)
	}
	return nil, err
}

func (a *agentEngine) decrypt(ctx context.Context, ciphertext []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, a.gpg.timeout)
	defer cancel()
	kc, keys, err := a.loadKeys(ctx)
	if err != nil {
		return nil, err
	}
	opts := agent.Options{Getenv: a.gpg.getenv, Purpose: "to show a 2FA code."}
	plain, err := agent.Decrypt(ctx, kc.Socket, ciphertext, func(id uint64) *agent.Key { return keys[id] }, opts)
	if errors.Is(err, agent.ErrUnknownKey) && a.tableFromDisk() {
		// A key the modification times did not reveal (gpg 2.4's
		// keyboxd database, a key file copied in place): ask gpg once.
		if kc, keys, err = a.loadKeysFresh(ctx, true); err != nil {
			return nil, err
		}
		plain, err = agent.Decrypt(ctx, kc.Socket, ciphertext, func(id uint64) *agent.Key { return keys[id] }, opts)
	}
	var dialErr *agent.DialError
	if errors.As(err, &dialErr) {
		// No agent there: gpg will start one, perhaps at another socket
		// (a login session's /run/user folder appeared). Ask again next time.
		a.forget()
	}
	if err != nil && ctx.Err() != nil {
		// The agent was still waiting (for a passphrase, a smartcard):
		// running gpg would only wait again.
		return nil, fmt.Errorf("%w: gpg-agent did not answer within %s (waiting for a passphrase or a smartcard?)", errTimedOut, a.gpg.timeout)
	}
	return plain, err
}

// errTimedOut: the agent path ran out of time; final, like a cancel.
var errTimedOut = errors.New("timed out")

// errorForAgent turns the agent path's final answers into engine errors,
// and returns nil for the others.
func errorForAgent(err error) error {
	switch {
	case errors.Is(err, agent.ErrCancelled):
		return fmt.Errorf("%w: the passphrase prompt was cancelled", pgp.ErrDecrypt)
	case errors.Is(err, agent.ErrBadPassphrase):
		return fmt.Errorf("%w: wrong passphrase (gpg-agent gave up)", pgp.ErrDecrypt)
	case errors.Is(err, errTimedOut), errors.Is(err, agent.ErrTooLarge):
		return fmt.Errorf("%w: %v", pgp.ErrDecrypt, err)
	}
	return nil
}
