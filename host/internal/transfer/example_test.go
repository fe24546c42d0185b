package transfer_test

import (
	"fmt"

	"github.com/otpfill/otpfill/host/internal/transfer"
)

func ExampleRead() {
	export := []byte(`# two accounts
otpauth://totp/GitHub:alice?secret=PLB6BB7PH736WH7TISIT7J6AAZN5HJKD&issuer=GitHub
otpauth://steam/Steam:bob?secret=V4XZUKIWJJ2BOY7RSSDA72BH726RNLHL
`)
	// The password function is called only for encrypted exports; a CLI
	// prompts here without echo.
	res, err := transfer.Read(export, func() ([]byte, error) { return []byte("…"), nil })
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Format)
	for _, it := range res.Items {
		fmt.Println(it) // the URI is never printed
	}
	for _, s := range res.Skipped {
		fmt.Println("skipped", s)
	}
	// Output:
	// otpauth
	// GitHub/alice (totp from otpauth, uri REDACTED)
	// Steam/bob (steam from otpauth, uri REDACTED)
}

func ExampleEntryName() {
	fmt.Println(transfer.EntryName("GitHub", "alice@example.com"))
	fmt.Println(transfer.EntryName("", "bob"))
	fmt.Println(transfer.EntryName("../evil", "a/b"))
	// Output:
	// GitHub/alice@example.com
	// bob
	// evil/a-b
}
