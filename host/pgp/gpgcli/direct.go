package gpgcli

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/otpfill/otpfill/host/atomicfile"
	"github.com/otpfill/otpfill/host/pgp"
	"github.com/otpfill/otpfill/host/pgp/agent"
)

// The direct path: gpg-agent already holds the unlocked key, so instead of
// starting gpg (most of the time a code takes) the engine asks the agent to
// unwrap the session key, as gpg itself would, and decrypts the rest in Go.
// What it needs to know about the keys (keygrips, ECDH parameters, the agent's
// socket) comes from gpg once and is cached on disk, keyed on the keyrings'
// modification times. Anything unusual falls back to running gpg.

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

type direct struct {
	mu    sync.Mutex
	cache *keyCache
	keys  map[uint64]*agent.Key
	// fromDisk: the table was read from the cache file, not built now.
	fromDisk bool
}

func (e *Engine) getenv(name string) string {
	if e.env == nil {
		return os.Getenv(name)
	}
	for i := len(e.env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(e.env[i], name+"="); ok {
			return v
		}
	}
	return ""
}

// directEnabled: the direct path runs when a cache folder is set, gpg is
// run with no user options (PASSWORD_STORE_GPG_OPTS may change anything,
// so gpg must see them), and the agent is reached over a Unix socket.
func (e *Engine) directEnabled() bool {
	return e.cacheDir != "" && len(e.opts) == 0 && runtime.GOOS != "windows" && e.binary != ""
}

// gnupgHome is the folder gpg uses.
func (e *Engine) gnupgHome() string {
	if h := e.getenv("GNUPGHOME"); h != "" {
		return h
	}
	home := e.getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	return filepath.Join(home, ".gnupg")
}

// stamp changes when the keys or the gpg in use may have.
func (e *Engine) stamp(home string) string {
	var b strings.Builder
	b.WriteString(home)
	b.WriteByte(0)
	b.WriteString(e.binary)
	for _, p := range []string{e.binary, filepath.Join(home, "pubring.kbx"), filepath.Join(home, "pubring.gpg"), filepath.Join(home, "public-keys.d", "pubring.db"), filepath.Join(home, "private-keys-v1.d"), filepath.Join(home, "gpg.conf"), filepath.Join(home, "common.conf")} {
		if fi, err := os.Stat(p); err == nil {
			fmt.Fprintf(&b, "|%d.%d", fi.ModTime().UnixNano(), fi.Size())
		} else {
			b.WriteString("|-")
		}
	}
	return b.String()
}

func (e *Engine) cachePath(home string) string {
	sum := sha256.Sum256([]byte(home))
	return filepath.Join(e.cacheDir, "gpg-keys-"+hex.EncodeToString(sum[:6])+".json")
}

// loadKeys returns the cached key table, rebuilding it from gpg when it is
// missing or stale.
func (e *Engine) loadKeys(ctx context.Context) (*keyCache, map[uint64]*agent.Key, error) {
	return e.loadKeysFresh(ctx, false)
}

// loadKeysFresh is loadKeys; rebuild ignores the cache file.
func (e *Engine) loadKeysFresh(ctx context.Context, rebuild bool) (*keyCache, map[uint64]*agent.Key, error) {
	d := &e.direct
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cache != nil && !rebuild {
		return d.cache, d.keys, nil
	}
	home := e.gnupgHome()
	stamp := e.stamp(home)
	path := e.cachePath(home)
	var kc keyCache
	if data, err := os.ReadFile(path); !rebuild && err == nil && json.Unmarshal(data, &kc) == nil && kc.Version == cacheVersion && kc.Stamp == stamp {
		d.cache, d.keys, d.fromDisk = &kc, kc.table(), true
		return d.cache, d.keys, nil
	}
	fresh, err := e.buildCache(ctx, home)
	if err != nil {
		return nil, nil, err
	}
	fresh.Stamp = stamp
	if data, err := json.Marshal(fresh); err == nil {
		if err := os.MkdirAll(e.cacheDir, 0o700); err == nil {
			if err := atomicfile.WriteFile(path, data, 0o600); err != nil {
				e.log.Debug().Err(err).Msg("cannot write the gpg key cache")
			}
		}
	}
	d.cache, d.keys, d.fromDisk = fresh, fresh.table(), false
	return d.cache, d.keys, nil
}

// tableFromDisk reports whether the key table in use was read from the
// cache file rather than built by this process.
func (e *Engine) tableFromDisk() bool {
	e.direct.mu.Lock()
	defer e.direct.mu.Unlock()
	return e.direct.fromDisk
}

// forget drops the cache: the agent's socket was not where it said.
func (e *Engine) forget() {
	d := &e.direct
	d.mu.Lock()
	defer d.mu.Unlock()
	d.cache, d.keys = nil, nil
	os.Remove(e.cachePath(e.gnupgHome()))
}

func (kc *keyCache) table() map[uint64]*agent.Key {
	t := make(map[uint64]*agent.Key, len(kc.Keys))
	for _, c := range kc.Keys {
		fpr, err := hex.DecodeString(c.Fingerprint)
		if err != nil || len(fpr) != 20 {
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
func (e *Engine) buildCache(ctx context.Context, home string) (*keyCache, error) {
	kc := &keyCache{Version: cacheVersion}
	gpgconf := filepath.Join(filepath.Dir(e.binary), "gpgconf")
	if out, err := e.output(ctx, gpgconf, "--list-dirs", "agent-socket"); err == nil {
		kc.Socket = strings.TrimSpace(string(out))
	}
	if kc.Socket == "" {
		kc.Socket = filepath.Join(home, "S.gpg-agent")
	}
	out, err := e.output(ctx, e.binary, "--batch", "--no-tty", "--with-colons", "--with-keygrip", "--list-secret-keys")
	if err != nil {
		return nil, fmt.Errorf("%w: listing secret keys: %v", agent.ErrUnsupported, err)
	}
	kc.Keys = parseSecretKeys(out)
	var ecdh []string
	for _, k := range kc.Keys {
		if k.Algo == agent.AlgoECDH {
			ecdh = append(ecdh, k.Fingerprint)
		}
	}
	if len(ecdh) > 0 {
		pub, err := e.output(ctx, e.binary, append([]string{"--batch", "--no-tty", "--export", "--"}, ecdh...)...)
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

func (e *Engine) output(ctx context.Context, name string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = e.env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if stderr.Len() > 0 {
		e.log.Debug().Str("stderr", strings.TrimSpace(stderr.String())).Str("program", filepath.Base(name)).Msg("gpg said")
	}
	return out, err
}

// parseSecretKeys reads `gpg --with-colons --with-keygrip
// --list-secret-keys`: sec/ssb records, each followed by its fpr and grp
// records. Only keys whose secret part is present ('+' or a card serial in
// field 15, not '#') are kept.
func parseSecretKeys(out []byte) []cachedKey {
	var keys []cachedKey
	var cur *cachedKey
	uid := ""
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Split(sc.Text(), ":")
		if len(f) < 10 {
			continue
		}
		switch f[0] {
		case "sec", "ssb":
			if cur != nil && cur.Fingerprint != "" && cur.Keygrip != "" {
				keys = append(keys, *cur)
			}
			cur = nil
			if f[0] == "sec" {
				uid = ""
			}
			algo, _ := strconv.Atoi(f[3])
			if len(f) > 14 && f[14] == "#" {
				continue // no secret part here
			}
			cur = &cachedKey{Algo: algo}
		case "fpr":
			if cur != nil && cur.Fingerprint == "" {
				cur.Fingerprint = strings.ToUpper(f[9])
			}
		case "grp":
			if cur != nil && cur.Keygrip == "" {
				cur.Keygrip = strings.ToUpper(f[9])
			}
		case "uid":
			if uid == "" {
				uid = unescapeColon(f[9])
				for i := range keys {
					if keys[i].UID == "" {
						keys[i].UID = uid
					}
				}
				if cur != nil {
					cur.UID = uid
				}
			}
		}
		if cur != nil && cur.UID == "" {
			cur.UID = uid
		}
	}
	if cur != nil && cur.Fingerprint != "" && cur.Keygrip != "" {
		keys = append(keys, *cur)
	}
	// Keep only what the direct path can use.
	usable := keys[:0]
	for _, k := range keys {
		if len(k.Fingerprint) == 40 && len(k.Keygrip) == 40 && (k.Algo == agent.AlgoRSA || k.Algo == agent.AlgoRSAEncrypt || k.Algo == agent.AlgoECDH) {
			usable = append(usable, k)
		}
	}
	return usable
}

// unescapeColon undoes gpg's \xNN escapes in colon listings.
func unescapeColon(s string) string {
	if !strings.Contains(s, `\x`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && s[i+1] == 'x' {
			if v, err := strconv.ParseUint(s[i+2:i+4], 16, 8); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

type kdfParams struct {
	curve        string
	hash, cipher int
}

// ecdhParams reads v4 ECDH (sub)key packets from an export and returns
// their curve and KDF parameters by fingerprint.
func ecdhParams(export []byte) map[string]kdfParams {
	params := map[string]kdfParams{}
	r := packet.NewOpaqueReader(bytes.NewReader(export))
	for {
		op, err := r.Next()
		if err != nil {
			break
		}
		if op.Tag != 6 && op.Tag != 14 {
			continue
		}
		b := op.Contents
		if len(b) < 7 || b[0] != 4 || b[5] != agent.AlgoECDH {
			continue
		}
		h := sha1.New()
		var hdr [3]byte
		hdr[0] = 0x99
		binary.BigEndian.PutUint16(hdr[1:], uint16(len(b)))
		h.Write(hdr[:])
		h.Write(b)
		fpr := strings.ToUpper(hex.EncodeToString(h.Sum(nil)))
		n := int(b[6])
		rest := b[7:]
		if n == 0 || len(rest) < n+2 {
			continue
		}
		oid := rest[:n]
		rest = rest[n:]
		bits := int(binary.BigEndian.Uint16(rest))
		rest = rest[2:]
		if len(rest) < (bits+7)/8+4 {
			continue
		}
		rest = rest[(bits+7)/8:]
		if rest[0] != 3 || rest[1] != 1 {
			continue
		}
		params[fpr] = kdfParams{curve: hex.EncodeToString(oid), hash: int(rest[2]), cipher: int(rest[3])}
	}
	return params
}

// decryptDirect decrypts through gpg-agent; any error but the user's own
// answer means "run gpg instead".
func (e *Engine) decryptDirect(ctx context.Context, ciphertext []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	kc, keys, err := e.loadKeys(ctx)
	if err != nil {
		return nil, err
	}
	opts := agent.Options{Getenv: e.getenv, Purpose: "to show a 2FA code."}
	plain, err := agent.Decrypt(ctx, kc.Socket, ciphertext, func(id uint64) *agent.Key { return keys[id] }, opts)
	if errors.Is(err, agent.ErrUnknownKey) && e.tableFromDisk() {
		// A key the modification times did not reveal (gpg 2.4's
		// keyboxd database, a key file copied in place): ask gpg once.
		if kc, keys, err = e.loadKeysFresh(ctx, true); err != nil {
			return nil, err
		}
		plain, err = agent.Decrypt(ctx, kc.Socket, ciphertext, func(id uint64) *agent.Key { return keys[id] }, opts)
	}
	var dialErr *agent.DialError
	if errors.As(err, &dialErr) {
		// No agent there: gpg will start one, perhaps at another socket
		// (a login session's /run/user folder appeared). Ask again next time.
		e.forget()
	}
	if err != nil && ctx.Err() != nil {
		// The agent was still waiting (for a passphrase, a smartcard):
		// running gpg would only wait again.
		return nil, fmt.Errorf("%w: gpg-agent did not answer within %s (waiting for a passphrase or a smartcard?)", errTimedOut, e.timeout)
	}
	return plain, err
}

// errTimedOut: the direct path ran out of time; final, like a cancel.
var errTimedOut = errors.New("timed out")

// errorForDirect turns the direct path's final answers into engine errors.
func errorForDirect(err error) error {
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
