// Package config reads and writes otpfill's host configuration: the stores
// to use and the site aliases. It lives in $XDG_CONFIG_HOME/otpfill/config.json
// (~/.config/otpfill/config.json). Store paths and program paths come only from
// here and from the environment, never from a protocol request.
package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/otpfill/otpfill/internal/atomicfile"
	"github.com/otpfill/otpfill/internal/paths"
)

// Store kinds and engines.
const (
	KindPass    = "pass"
	KindKeyring = "keyring"

	EngineGPG    = "gpg"
	EngineNative = "native"
)

// Config is the whole file. Every field is optional.
type Config struct {
	// Stores add to, or change by id, the two default stores: "pass"
	// (PASSWORD_STORE_DIR or ~/.password-store) and "keyring".
	Stores []Store `json:"stores,omitempty"`
	// Aliases map a site (host, or host:port) to entry names or domains
	// whose entries count as exact matches there.
	Aliases map[string][]string `json:"aliases,omitempty"`
	// SaveTo is where `save` writes when the request names no store:
	// "pass" (default), "keyring" or "both".
	SaveTo string `json:"save_to,omitempty"`
	// GPG is the gpg program; empty searches PATH and the usual places.
	GPG string `json:"gpg,omitempty"`
	// Git is the git program used to commit pass changes; "none" disables.
	Git string `json:"git,omitempty"`
	// GPGAgent is how the gpg engine decrypts: "direct" (default) asks a
	// running gpg-agent for the session key and falls back to gpg; "gpg"
	// always runs gpg.
	GPGAgent string `json:"gpg_agent,omitempty"`
	// Backup maps a store id to the id of the store that holds the second
	// copy of its 2FA keys ({"pass": "keyring"}). Absent: the keyring is the
	// backup of the pass store when both are in use (see BackupPairs); {}
	// configures no backup at all.
	// A pointer, so that {} survives a rewrite of the file (AddAlias).
	Backup *map[string]string `json:"backup,omitempty"`
}

// Values of Config.GPGAgent.
const (
	GPGAgentDirect = "direct"
	GPGAgentGPG    = "gpg"
)

// Store configures one store.
type Store struct {
	// Optional is set by ResolvedStores on a default store the file does
	// not mention: its absence is normal, not a problem.
	Optional bool   `json:"-"`
	ID       string `json:"id"`
	Kind     string `json:"kind"`               // "pass" or "keyring"
	Path     string `json:"path,omitempty"`     // pass: the store folder (~ allowed)
	Disabled bool   `json:"disabled,omitempty"` // drop a default store
	// Engine is "gpg" (default) or "native" (Go OpenPGP, no gpg needed).
	Engine string `json:"engine,omitempty"`
	// SecretKeys and PublicKeys are exported key files for the native engine.
	SecretKeys []string `json:"secret_keys,omitempty"`
	PublicKeys []string `json:"public_keys,omitempty"`
	// PassphraseFromKeyring: the native engine reads each secret key's
	// passphrase from the OS keyring (service "otpfill-pgp", account = the
	// key's fingerprint in upper-case hex).
	PassphraseFromKeyring bool `json:"passphrase_from_keyring,omitempty"`
}

// Env is what the config depends on from the environment.
type Env struct {
	Getenv func(string) string
}

func (e Env) paths() paths.Env { return paths.Of(e.Getenv) }

// Dir returns the folder of the config file.
func Dir(env Env) string { return env.paths().ConfigDir() }

// CacheDir returns otpfill's cache folder: $XDG_CACHE_HOME/otpfill or
// ~/.cache/otpfill. It holds only public data (which gpg keys exist).
func CacheDir(env Env) string { return env.paths().CacheDir() }

// Path returns the config file's path; OTPFILL_CONFIG overrides it.
func Path(env Env) string { return env.paths().ConfigFile() }

// Load reads the config file; a missing file is an empty config.
func Load(env Env) (*Config, error) {
	p := Path(env)
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return &Config{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read config %s: %w", p, err)
	}
	var c Config
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("config %s is not valid: %v (fix or delete it)", p, err)
	}
	if err := c.validate(); err != nil {
		return nil, fmt.Errorf("config %s: %w", p, err)
	}
	return &c, nil
}

func (c *Config) validate() error {
	if c.GPGAgent != "" && c.GPGAgent != GPGAgentDirect && c.GPGAgent != GPGAgentGPG {
		return fmt.Errorf("\"gpg_agent\" is %q: use \"direct\" or \"gpg\"", c.GPGAgent)
	}
	seen := map[string]bool{}
	for _, s := range c.Stores {
		if s.ID == "" || strings.ContainsAny(s.ID, "/\\ \t\n") || s.ID == "both" {
			return fmt.Errorf("store id %q is not allowed", s.ID)
		}
		if seen[s.ID] {
			return fmt.Errorf("store id %q is used twice", s.ID)
		}
		seen[s.ID] = true
		kind := s.Kind
		if kind == "" {
			kind = defaultKind(s.ID)
		}
		if kind != KindPass && kind != KindKeyring {
			return fmt.Errorf("store %q: kind must be \"pass\" or \"keyring\"", s.ID)
		}
		if s.Engine != "" && s.Engine != EngineGPG && s.Engine != EngineNative {
			return fmt.Errorf("store %q: engine must be \"gpg\" or \"native\"", s.ID)
		}
	}
	backups := map[string]bool{}
	var pairs map[string]string
	if c.Backup != nil {
		pairs = *c.Backup
	}
	for primary, backup := range pairs {
		switch {
		case primary == "" || backup == "" || primary == "both" || backup == "both":
			return fmt.Errorf("\"backup\": %q → %q: both must be store ids", primary, backup)
		case primary == backup:
			return fmt.Errorf("\"backup\": store %q cannot be its own backup", primary)
		case backups[backup]:
			return fmt.Errorf("\"backup\": store %q is the backup of two stores; give each store its own", backup)
		}
		backups[backup] = true
	}
	for primary := range pairs {
		if backups[primary] {
			return fmt.Errorf("\"backup\": store %q is both a backup and backed up: chains are not supported", primary)
		}
	}
	switch c.SaveTo {
	case "", "pass", "keyring", "both":
	default:
		return fmt.Errorf("save_to must be \"pass\", \"keyring\" or \"both\"")
	}
	return nil
}

func defaultKind(id string) string {
	if id == "keyring" {
		return KindKeyring
	}
	return KindPass
}

// ResolvedStores returns the stores in use, in order: the defaults ("pass",
// then "keyring") as changed by the file, then the file's other stores.
// Pass paths are absolute.
func (c *Config) ResolvedStores(env Env) []Store {
	dir := env.paths().PasswordStoreDir()
	out := []Store{{ID: "pass", Kind: KindPass, Path: dir, Optional: true}, {ID: "keyring", Kind: KindKeyring, Optional: true}}
	for _, s := range c.Stores {
		if s.Kind == "" {
			s.Kind = defaultKind(s.ID)
		}
		if i := slices.IndexFunc(out, func(o Store) bool { return o.ID == s.ID }); i >= 0 {
			if s.Path == "" {
				s.Path = out[i].Path
			}
			out[i] = s
		} else {
			out = append(out, s)
		}
	}
	var res []Store
	for _, s := range out {
		if s.Disabled {
			continue
		}
		if s.Kind == KindPass {
			s.Path = expandHome(s.Path, env)
			for i := range s.SecretKeys {
				s.SecretKeys[i] = expandHome(s.SecretKeys[i], env)
			}
			for i := range s.PublicKeys {
				s.PublicKeys[i] = expandHome(s.PublicKeys[i], env)
			}
		}
		if s.Engine == "" {
			s.Engine = EngineGPG
		}
		res = append(res, s)
	}
	return res
}

// BackupPairs returns the backup store of each store that has one, among
// stores (ResolvedStores): the "backup" map of the file, or, when the file
// has none, the keyring for the pass store if both are in use. A pair that
// names a store not in use is returned as is: the caller reports it.
func (c *Config) BackupPairs(stores []Store) map[string]string {
	if c.Backup != nil {
		if *c.Backup == nil {
			return map[string]string{}
		}
		return maps.Clone(*c.Backup)
	}
	has := func(id string) bool { return slices.ContainsFunc(stores, func(s Store) bool { return s.ID == id }) }
	if has("pass") && has("keyring") {
		return map[string]string{"pass": "keyring"}
	}
	return map[string]string{}
}

func expandHome(p string, env Env) string {
	p = env.paths().ExpandHome(p)
	if p != "" && !filepath.IsAbs(p) {
		if abs, err := filepath.Abs(p); err == nil {
			return abs
		}
	}
	return p
}

// AddAlias records that site uses target and saves the file atomically,
// re-reading it first so concurrent edits by the user are kept.
func AddAlias(env Env, site, target string) error {
	c, err := Load(env)
	if err != nil {
		return err
	}
	if c.Aliases == nil {
		c.Aliases = map[string][]string{}
	}
	if slices.Contains(c.Aliases[site], target) {
		return nil
	}
	c.Aliases[site] = append(c.Aliases[site], target)
	sort.Strings(c.Aliases[site])
	return c.Save(env)
}

// Save writes the config file atomically.
func (c *Config) Save(env Env) error {
	p := Path(env)
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return fmt.Errorf("cannot create %s: %w", filepath.Dir(p), err)
	}
	if err := atomicfile.WriteFile(p, data, 0o600); err != nil {
		return fmt.Errorf("cannot write config %s: %w", p, err)
	}
	return nil
}
