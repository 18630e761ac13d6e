// stagecp-go: the stagecp Go package (kmod-free/go/stagecp) called from Go
// with the options bench/peers/buildkit-copy.go gives fsutil's copy.Copy,
// so the two Go-called copiers are timed on the same terms.
//
// Usage: stagecp-go SRCROOT SRC DSTROOT DST
package main

import (
	"context"
	"fmt"
	"os"

	copy "stagecp"
)

func main() {
	if len(os.Args) != 5 {
		fmt.Fprintln(os.Stderr, "usage: stagecp-go SRCROOT SRC DSTROOT DST")
		os.Exit(2)
	}
	opts := []copy.Opt{
		func(ci *copy.CopyInfo) {
			ci.CopyDirContents = true
			ci.FollowLinks = true
			ci.AllowWildcards = true
		},
		copy.AllowXAttrErrors,
	}
	err := copy.Copy(context.Background(), os.Args[1], os.Args[2],
		os.Args[3], os.Args[4], opts...)
	if err != nil {
		fmt.Fprintf(os.Stderr, "stagecp-go: %s: %v\n", os.Args[2], err)
		os.Exit(1)
	}
}
