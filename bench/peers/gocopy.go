// gocopy: a Go copier as a command, so the benchmark can time it against
// stagecp.  Built twice by peers/build.sh, each time with one of the files
// that say which copier: buildkit-copy (gocopy_fsutil.go: BuildKit's own
// copier, the engine behind COPY --from) and stagecp-go (gocopy_stagecp.go:
// the stagecp Go package, called from Go).
//
// Usage: buildkit-copy|stagecp-go SRCROOT SRC DSTROOT DST
//
// Both get the options BuildKit's file op passes for a Dockerfile
// `COPY --from=stage SRC DST` without --chown/--chmod: the directory's
// contents are copied, symlinks on the source path are followed, owners and
// modes are preserved (no Chowner, no Mode), timestamps are kept (no Utime)
// and xattrs the destination cannot hold are ignored, as BuildKit does.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	name := filepath.Base(os.Args[0])
	if len(os.Args) != 5 {
		fmt.Fprintf(os.Stderr, "usage: %s SRCROOT SRC DSTROOT DST\n", name)
		os.Exit(2)
	}
	err := copyTree(context.Background(), os.Args[1], os.Args[2],
		os.Args[3], os.Args[4])
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %s: %v\n", name, os.Args[2], err)
		os.Exit(1)
	}
}
