// buildkit-copy: BuildKit's own copier, the engine behind COPY --from, as a
// command so the benchmark can time it against stagecp.
//
// Usage: buildkit-copy SRCROOT SRC DSTROOT DST
//
// The options mirror what BuildKit's file op passes for a Dockerfile
// `COPY --from=stage SRC DST` without --chown/--chmod: the directory's
// contents are copied, symlinks on the source path are followed, owners and
// modes are preserved (no Chowner, no Mode), timestamps are kept (no Utime)
// and xattrs the destination cannot hold are ignored, as BuildKit does.
package main

import (
	"context"
	"fmt"
	"os"

	copy "github.com/tonistiigi/fsutil/copy"
)

func main() {
	if len(os.Args) != 5 {
		fmt.Fprintln(os.Stderr, "usage: buildkit-copy SRCROOT SRC DSTROOT DST")
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
		fmt.Fprintf(os.Stderr, "buildkit-copy: %s: %v\n", os.Args[2], err)
		os.Exit(1)
	}
}
