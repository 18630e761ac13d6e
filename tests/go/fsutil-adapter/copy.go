// SPDX-License-Identifier: MIT

// Package fs presents fsutil's copy API (github.com/tonistiigi/fsutil/copy,
// whose package name is fs) on the stagecp Go package, so that fsutil's own
// copy_test.go runs unchanged against stagecp: tests/integration/go-fsutil.sh
// puts both in a temporary GOPATH.  Every name fsutil's tests use is here,
// and nothing else.
package fs

import (
	"context"
	"os"
	"syscall"

	"stagecp"
)

type (
	CopyInfo          = stagecp.CopyInfo
	Opt               = stagecp.Opt
	User              = stagecp.User
	Chowner           = stagecp.Chowner
	XAttrErrorHandler = stagecp.XAttrErrorHandler
)

var (
	WithCopyInfo          = stagecp.WithCopyInfo
	WithChown             = stagecp.WithChown
	WithXAttrErrorHandler = stagecp.WithXAttrErrorHandler
)

func AllowWildcards(ci *CopyInfo) { stagecp.AllowWildcards(ci) }

func AllowXAttrErrors(ci *CopyInfo) { stagecp.AllowXAttrErrors(ci) }

func Copy(ctx context.Context, srcRoot, src, dstRoot, dst string,
	opts ...Opt) error {
	return stagecp.Copy(ctx, srcRoot, src, dstRoot, dst, opts...)
}

// getUidGid is the helper fsutil's tests call from the package itself.
func getUidGid(fi os.FileInfo) (uid, gid int) {
	st := fi.Sys().(*syscall.Stat_t)
	return int(st.Uid), int(st.Gid)
}
