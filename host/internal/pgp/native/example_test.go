package native_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/otpfill/otpfill/host/internal/pgp/native"
)

func Example() {
	// A key exported the way `gpg --export-secret-keys KEYID > FILE` would.
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	keyFile := filepath.Join(dir, "secret.pgp")
	ent, _ := openpgp.NewEntity("Alice", "", "alice@example.invalid", nil)
	f, _ := os.Create(keyFile)
	ent.SerializePrivate(f, nil)
	f.Close()

	engine, err := native.New(native.Options{
		SecretKeyFiles: []string{keyFile},
		// Passphrase: nil, as the key has none.
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	// Recipients as a .gpg-id file lists them.
	ciphertext, err := engine.Encrypt(ctx, []byte("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP\n"), []string{"alice@example.invalid"})
	if err != nil {
		log.Fatal(err)
	}
	plaintext, err := engine.Decrypt(ctx, ciphertext)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(string(plaintext))
	// Output: otpauth://totp/x?secret=JBSWY3DPEHPK3PXP
}
