// BuildKit's copier for gocopy.go: fsutil's copy.Copy.
package main

import (
	"context"

	copy "github.com/tonistiigi/fsutil/copy"
)

func copyTree(ctx context.Context, srcRoot, src, dstRoot, dst string) error {
	return copy.Copy(ctx, srcRoot, src, dstRoot, dst,
		func(ci *copy.CopyInfo) {
			ci.CopyDirContents = true
			ci.FollowLinks = true
			ci.AllowWildcards = true
		},
		copy.AllowXAttrErrors)
}
