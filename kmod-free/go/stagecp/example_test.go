// SPDX-License-Identifier: MIT

package stagecp_test

import (
	"context"
	"log"

	copy "stagecp" // was: copy "github.com/tonistiigi/fsutil/copy"
)

// The README's example: a builder's COPY --from with the package in place
// of fsutil's copy.Copy.
func copyFromStage(ctx context.Context, from, to, src, dst string) error {
	var st copy.Stats
	err := copy.Copy(ctx, from, src, to, dst, copy.WithChown(1000, 1000),
		copy.AllowWildcards, copy.CopyDirContents, copy.FollowLinks,
		copy.WithStats(&st)) // stagecp's own: strategy, jobs, layers, --link
	log.Printf("%d files, %d bytes cloned", st.Files(),
		st.BytesByMethod[copy.MethodClone])
	return err
}

func ExampleCopy() {
	if err := copyFromStage(context.Background(), "/stages/1", "/stages/2",
		"/out", "/app/"); err != nil {
		log.Print(err)
	}
}
