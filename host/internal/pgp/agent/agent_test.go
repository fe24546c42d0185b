package agent

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTransact drives Transact against a peer that inquires, sends escaped
// data and status lines.
func TestTransact(t *testing.T) {
	dir, err := os.MkdirTemp("/tmp", "a")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	sock := filepath.Join(dir, "S")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	secret := []byte("line1\nline2%\r\x00end")
	big := bytes.Repeat([]byte{'%'}, 2500) // forces several D lines
	received := make(chan []byte, 2)
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		r := bufio.NewReader(c)
		c.Write([]byte("# a comment\nOK hello\n"))
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			switch strings.TrimSpace(line) {
			case "PKDECRYPT":
				c.Write([]byte("S INQUIRE_MAXLEN 4096\nINQUIRE CIPHERTEXT\n"))
				var got bytes.Buffer
				for {
					l, _ := r.ReadString('\n')
					l = strings.TrimSuffix(l, "\n")
					if l == "END" {
						break
					}
					if len(l)+1 > maxLine {
						received <- nil
						return
					}
					unescape(&got, strings.TrimPrefix(l, "D "))
				}
				received <- got.Bytes()
				c.Write([]byte("S PADDING 0\nD (5:value3:a%0Ab)\nOK\n"))
			case "CANCELME":
				c.Write([]byte("ERR 83886179 Operation cancelled <Pinentry>\n"))
			default:
				c.Write([]byte("OK\n"))
			}
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := Dial(ctx, sock)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, payload := range [][]byte{secret, big} {
		data, status, err := conn.Transact("PKDECRYPT", func(kw string) ([]byte, error) {
			if kw != "CIPHERTEXT" {
				t.Errorf("inquiry %q", kw)
			}
			return payload, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := <-received; !bytes.Equal(got, payload) {
			t.Fatalf("agent received %q, want %q", got, payload)
		}
		if string(data) != "(5:value3:a\nb)" {
			t.Errorf("data %q", data)
		}
		if len(status) != 2 || status[1] != "PADDING 0" {
			t.Errorf("status %q", status)
		}
	}
	_, _, err = conn.Transact("CANCELME", nil)
	var aerr *Error
	if !errors.As(err, &aerr) || aerr.Code != 83886179 {
		t.Fatalf("err = %v", err)
	}
	if !errors.Is(agentErr(err), ErrCancelled) {
		t.Errorf("agentErr(%v) is not ErrCancelled", err)
	}
}

func TestDialNoAgent(t *testing.T) {
	_, err := Dial(context.Background(), filepath.Join(t.TempDir(), "none"))
	var de *DialError
	if !errors.As(err, &de) || !errors.Is(err, ErrUnsupported) {
		t.Fatalf("err = %v, want a DialError wrapping ErrUnsupported", err)
	}
}

func TestAgentErr(t *testing.T) {
	for _, tc := range []struct {
		code uint32
		want error
	}{
		{83886179, ErrCancelled},     // GPG_ERR_CANCELED from pinentry
		{67108963, ErrCancelled},     // GPG_ERR_CANCELED from gpg-agent
		{67109062, ErrCancelled},     // GPG_ERR_FULLY_CANCELED
		{67108875, ErrBadPassphrase}, // GPG_ERR_BAD_PASSPHRASE
		{67108881, ErrUnsupported},   // GPG_ERR_NO_SECKEY: let gpg explain
		{67108949, ErrUnsupported},   // GPG_ERR_NO_PIN_ENTRY
	} {
		if got := agentErr(&Error{Code: tc.code}); !errors.Is(got, tc.want) {
			t.Errorf("code %d: %v, want %v", tc.code, got, tc.want)
		}
	}
}

func TestHelpers(t *testing.T) {
	if got := string(stdMPI([]byte{0, 0, 0x80, 1})); got != "\x00\x80\x01" {
		t.Errorf("stdMPI high bit: %q", got)
	}
	if got := string(stdMPI([]byte{0, 0x40, 1})); got != "\x40\x01" {
		t.Errorf("stdMPI: %q", got)
	}
	if v, err := parseValue([]byte("(5:value4:ab)c)")); err != nil || string(v) != "ab)c" {
		t.Errorf("parseValue = %q, %v", v, err)
	}
	for _, bad := range []string{"", "(5:value", "(5:value9:ab)", "(5:valueX:)", "(4:data1:a)", "(5:value-1:)"} {
		if _, err := parseValue([]byte(bad)); !errors.Is(err, ErrUnsupported) {
			t.Errorf("parseValue(%q) = %v", bad, err)
		}
	}
	block := append([]byte{2, 9, 9, 9, 9, 9, 9, 9, 9, 0}, 7, 1, 2)
	for _, b := range [][]byte{block, append([]byte{0}, block...)} {
		if m, err := unpadPKCS1(b, true); err != nil || !bytes.Equal(m, []byte{7, 1, 2}) {
			t.Errorf("unpadPKCS1 = %v, %v", m, err)
		}
	}
	if _, err := unpadPKCS1([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, true); !errors.Is(err, ErrUnsupported) {
		t.Errorf("unpadPKCS1 accepted a non-type-2 block")
	}
	if got := plusEscape(`a b+c%d"` + "\n"); got != "a+b%2Bc%25d%22%0A" {
		t.Errorf("plusEscape = %q", got)
	}
	// parseFrame: AES-128 key, checksum over the key bytes.
	key := bytes.Repeat([]byte{1}, 16)
	frame := append(append([]byte{7}, key...), 0, 16)
	if cf, k, err := parseFrame(frame); err != nil || cf != 7 || !bytes.Equal(k, key) {
		t.Errorf("parseFrame = %v %v %v", cf, k, err)
	}
	frame[len(frame)-1]++
	if _, _, err := parseFrame(frame); !errors.Is(err, ErrUnsupported) {
		t.Errorf("parseFrame accepted a bad checksum")
	}
}

// FuzzSplitMessage: any input either splits or fails with ErrUnsupported,
// never panics.
func FuzzSplitMessage(f *testing.F) {
	f.Add([]byte{0x85, 0x01, 0x03})
	f.Add([]byte{0xc1, 0x0c, 0x03, 1, 2, 3, 4, 5, 6, 7, 8, 18, 0x00, 0x08, 0x40, 0x01, 0xd2, 0x01, 0x01})
	f.Add([]byte("-----BEGIN PGP MESSAGE-----"))
	f.Fuzz(func(t *testing.T, msg []byte) {
		esks, data, err := splitMessage(msg)
		if err != nil {
			if !errors.Is(err, ErrUnsupported) {
				t.Fatalf("error %v does not wrap ErrUnsupported", err)
			}
			return
		}
		if data == nil {
			t.Fatal("no data packet and no error")
		}
		for _, e := range esks {
			if len(e.mpi1) == 0 {
				t.Fatal("empty MPI accepted")
			}
		}
	})
}

// TestDeadlineEndsContextFirst: a peer that never answers (a pinentry left
// open) is cut off when ctx ends, and by the time the read fails ctx.Err()
// already says so. Callers rely on that to tell a timeout, which is final,
// from a broken agent, after which gpg is run instead.
func TestDeadlineEndsContextFirst(t *testing.T) {
	dir, err := os.MkdirTemp("/tmp", "a")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	l, err := net.Listen("unix", filepath.Join(dir, "S"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Write([]byte("OK hello\n"))
			defer c.Close() // silent until the listener closes
		}
	}()
	checked := 0
	for i := range 40 {
		ctx, cancel := context.WithTimeout(context.Background(), time.Duration(5+i%5)*time.Millisecond)
		conn, err := Dial(ctx, filepath.Join(dir, "S"))
		if err != nil {
			cancel()
			if ctx.Err() != nil {
				continue // a busy machine: this round's time ran out while dialling
			}
			t.Fatal(err)
		}
		_, _, err = conn.Transact("GETINFO version", nil)
		ctxErr := ctx.Err()
		conn.Close()
		cancel()
		if err == nil {
			t.Fatal("a silent peer answered")
		}
		if ctxErr == nil {
			t.Fatalf("round %d: the read failed (%v) before ctx ended", i, err)
		}
		checked++
	}
	if checked == 0 {
		t.Skip("every round's time ran out while dialling: the machine is too busy for this test")
	}
}
