// Command frame writes each argument as a native-messaging frame to stdout,
// or with -read, prints the JSON of each frame read from stdin, one a line.
// Benchmarks and manual tests use it to talk to the host.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/otpfill/otpfill/protocol"
)

func main() {
	read := flag.Bool("read", false, "decode frames from stdin")
	flag.Parse()
	if *read {
		for {
			body, err := protocol.ReadFrame(os.Stdin, 64<<20)
			if err == io.EOF {
				return
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, "frame:", err)
				os.Exit(1)
			}
			fmt.Println(string(body))
		}
	}
	w := bufio.NewWriter(os.Stdout)
	for _, a := range flag.Args() {
		if err := protocol.WriteFrame(w, []byte(a)); err != nil {
			fmt.Fprintln(os.Stderr, "frame:", err)
			os.Exit(1)
		}
	}
	w.Flush()
}
