package otp_test

import (
	"fmt"
	"time"

	"github.com/otpfill/otpfill/host/internal/otp"
)

func ExampleParseURI() {
	// A URI as a site's QR code might hold it: lower-case, spaced secret,
	// URL-encoded label, SHA256 and 8 digits.
	k, err := otp.ParseURI("otpauth://totp/ACME%20Co:alice%40example.com?secret=gezd%20gnbv%20gy3t%20qojq&issuer=ACME%20Co&algorithm=sha256&digits=8")
	if err != nil {
		fmt.Println(err)
		return
	}
	code, expires, err := k.TOTP(time.Unix(1111111111, 0))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(k.Issuer, "/", k.Account, k.Algorithm, k.Digits, k.Period)
	fmt.Println("secret:", k.Secret)           // never printed
	fmt.Println(code, "until", expires.Unix()) // the same as oathtool's
	fmt.Println(k.URI())

	_, err = otp.ParseURI("otpauth://totp/ACME:alice?secret=GEZDGNBVGY3TQOJQ&algorithm=MD5")
	fmt.Println(err)
	// Output:
	// ACME Co / alice@example.com SHA256 8 30
	// secret: REDACTED
	// 69527737 until 1111111140
	// otpauth://totp/ACME%20Co:alice@example.com?secret=GEZDGNBVGY3TQOJQ&issuer=ACME%20Co&algorithm=SHA256&digits=8&period=30
	// invalid otpauth URI: unknown algorithm "MD5"
}
