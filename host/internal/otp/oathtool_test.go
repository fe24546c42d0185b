package otp

import (
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// oathtool (OATH Toolkit) is the program pass-otp runs; codes must agree
// with it. The secrets here are throwaway test values, so passing them in
// argv is acceptable in this test only.
func oathtool(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "oathtool", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("oathtool %v: %v: %s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func needOathtool(t *testing.T) {
	if _, err := exec.LookPath("oathtool"); err != nil {
		t.Skip("oathtool not installed (Debian package oathtool); cannot cross-check codes")
	}
}

func TestTOTPMatchesOathtool(t *testing.T) {
	needOathtool(t)
	uris := []string{
		"otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP",
		"otpauth://totp/A:a?secret=gezd%20gnbv%20gy3t%20qojq&algorithm=sha256&digits=8&period=60",
		"otpauth://totp/A:a?secret=KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ&algorithm=SHA512&digits=7",
		"otpauth://totp/A:a?secret=MFRGGZDFMZTWQ2LK&algorithm=SHA256&digits=6&period=60",
		"otpauth://totp/A:a?secret=ONSWG4TFOQ======&algorithm=SHA512&digits=8&period=30",
		"otpauth://totp/A:a?secret=NBSWY3DPO5XXE3DEEE%3D%3D%3D%3D%3D%3D&digits=7&period=45",
	}
	times := []time.Time{
		time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2024, 2, 29, 23, 59, 59, 0, time.UTC),
		time.Date(2033, 5, 18, 3, 33, 20, 0, time.UTC),
	}
	for _, uri := range uris {
		k, err := ParseURI(uri)
		if err != nil {
			t.Fatal(err)
		}
		for _, at := range times {
			t.Run(fmt.Sprintf("%s/%d/%ds/%s", k.Algorithm, k.Digits, k.Period, at.Format(time.DateTime)), func(t *testing.T) {
				got, _, err := k.TOTP(at)
				if err != nil {
					t.Fatal(err)
				}
				want := oathtool(t, "--totp="+strings.ToLower(string(k.Algorithm)),
					"-d", strconv.Itoa(k.Digits), "-s", strconv.Itoa(k.Period)+"s",
					"--now", at.Format(time.DateTime)+" UTC", "-b", k.Secret.Base32())
				if got != want {
					t.Errorf("code %s, oathtool says %s", got, want)
				}
			})
		}
	}
}

func TestHOTPMatchesOathtool(t *testing.T) {
	needOathtool(t)
	for _, digits := range []int{6, 7, 8} {
		for _, counter := range []uint64{0, 1, 42, 1 << 20, 1<<32 + 5} {
			t.Run(fmt.Sprintf("digits%d/counter%d", digits, counter), func(t *testing.T) {
				k, err := ParseURI(fmt.Sprintf("otpauth://hotp/A:a?secret=jbswy3dpehpk3pxpmfrgg&digits=%d&counter=%d", digits, counter))
				if err != nil {
					t.Fatal(err)
				}
				got, err := k.HOTP(k.Counter)
				if err != nil {
					t.Fatal(err)
				}
				want := oathtool(t, "--hotp", "-d", strconv.Itoa(digits),
					"-c", strconv.FormatUint(counter, 10), "-b", k.Secret.Base32())
				if got != want {
					t.Errorf("code %s, oathtool says %s", got, want)
				}
			})
		}
	}
}
