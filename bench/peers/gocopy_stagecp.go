// The stagecp Go package for gocopy.go, in place of fsutil's copy.Copy.
package main

import (
	"context"

	copy "stagecp"
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
