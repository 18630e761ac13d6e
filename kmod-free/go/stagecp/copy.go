// SPDX-License-Identifier: MIT

// Package stagecp copies files between image build stages with libstagecp
// (reflinks, copy_file_range, io_uring, paths resolved inside each root).
//
// Copy has the signature, options and rules of BuildKit's Go copier,
// github.com/tonistiigi/fsutil/copy.Copy, so a builder switches with one
// import; stagecp's own options (strategy, jobs, layers, --link, stats)
// come on top.  See the README's "From Go" section for what differs.
package stagecp

/*
#cgo pkg-config: stagecp
#include <errno.h>
#include <stdlib.h>
#include <stagecp.h>
#include "shim.h"
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/cgo"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

// Copy copies src, a path inside srcRoot, to dst, a path inside dstRoot,
// with cp -a rules as fsutil's copy.Copy has them: symlinks on both paths
// resolve inside their roots; a file onto an existing directory goes into
// it; a directory is copied as itself (see CopyInfo.CopyDirContents); the
// missing directories on the way to dst are made.  It returns nil, the
// context's error (which also matches syscall.ECANCELED) when ctx stopped
// the copy, or an *Error.
func Copy(ctx context.Context, srcRoot, src, dstRoot, dst string,
	opts ...Opt) error {
	var ci CopyInfo

	for _, o := range opts {
		if o != nil {
			o(&ci)
		}
	}
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		return canceled{err}
	}
	if src == "" {
		src = "/"
	}
	if err := ci.check(src, srcRoot, dstRoot, dst); err != nil {
		return err
	}
	c := &copyCall{ci: &ci, dstRoot: dstRoot}
	return c.run(ctx, srcRoot, src, dstRoot, dst)
}

func invalid(path, what string) error {
	return &Error{Path: path, Op: "check options", Err: syscall.EINVAL,
		Msg: what}
}

// check refuses what libstagecp cannot be given before anything is made.
func (ci *CopyInfo) check(src string, paths ...string) error {
	if ci.Utime != nil {
		return &Error{Path: src, Op: "check options",
			Err: syscall.ENOTSUP, Msg: "CopyInfo.Utime is not supported"}
	}
	if ci.Mode != nil && (*ci.Mode < 0 || *ci.Mode > 07777) {
		return invalid(src, fmt.Sprintf("mode %#o out of range", *ci.Mode))
	}
	if ci.Jobs < 0 || ci.Jobs > 1<<16 {
		return invalid(src, fmt.Sprintf("jobs %d out of range", ci.Jobs))
	}
	if ci.Strategy < StrategyAuto || ci.Strategy > StrategyHardlink {
		return invalid(src, fmt.Sprintf("unknown strategy %d", ci.Strategy))
	}
	if ci.chownID != nil && !validID(ci.chownID) {
		return invalid(src, fmt.Sprintf("owner %d:%d out of range",
			ci.chownID.Uid, ci.chownID.Gid))
	}
	all := append([]string{src}, paths...)
	for _, list := range [][]string{ci.IncludePatterns, ci.ExcludePatterns,
		ci.SourceLayers, ci.DestLayers} {
		all = append(all, list...)
	}
	for _, s := range all {
		if strings.IndexByte(s, 0) >= 0 {
			return invalid(s, "a path or pattern holds a NUL byte")
		}
	}
	return nil
}

func validID(u *User) bool {
	return u.Uid >= 0 && u.Gid >= 0 && int64(u.Uid) < 1<<32-1 &&
		int64(u.Gid) < 1<<32-1
}

// chmodSpec says "these permission bits, the special bits kept" in
// stagecp's --chmod syntax: clear rwx for all, then add the wanted ones.
func chmodSpec(mode int) string {
	spec := "a-rwx"
	for i, who := range []string{"u", "g", "o"} {
		bits := (mode >> (6 - 3*i)) & 7
		if bits == 0 {
			continue
		}
		spec += "," + who + "+"
		for j, p := range "rwx" {
			if bits&(4>>j) != 0 {
				spec += string(p)
			}
		}
	}
	return spec
}

// copyCall is the state of one Copy that the engine's callbacks reach
// through a cgo.Handle.
type copyCall struct {
	ci      *CopyInfo
	dstRoot string

	mu      sync.Mutex
	failure *Error // the first failure the engine reported
	cbErr   error  // the first error a Go callback returned
}

// keepFirst remembers the first error a callback returned.
func (c *copyCall) keepFirst(err error) {
	c.mu.Lock()
	if c.cbErr == nil {
		c.cbErr = err
	}
	c.mu.Unlock()
}

// cmem is the C memory one Copy hands to libstagecp.  cgo's C.malloc
// (behind C.CString too) never returns nil: it stops the program when out
// of memory, as Go's own allocations do.
type cmem []unsafe.Pointer

func (m *cmem) str(s string) *C.char {
	p := C.CString(s)
	*m = append(*m, unsafe.Pointer(p))
	return p
}

func (m *cmem) strv(v []string) **C.char {
	if len(v) == 0 {
		return nil
	}
	arr := (**C.char)(C.malloc(C.size_t(len(v)) *
		C.size_t(unsafe.Sizeof((*C.char)(nil)))))
	*m = append(*m, unsafe.Pointer(arr))
	s := unsafe.Slice(arr, len(v))
	for i, x := range v {
		s[i] = m.str(x)
	}
	return arr
}

func (m *cmem) free() {
	for _, p := range *m {
		C.free(p)
	}
	*m = nil
}

func errno(r C.int) syscall.Errno {
	e := syscall.Errno(-r)
	if e <= 0 || e >= 4096 { // libstagecp's own codes: their text says it
		e = syscall.EIO
	}
	return e
}

func (c *copyCall) options(m *cmem, o *C.struct_stagecp_options,
	srcRoot, dstRoot string) {
	ci := c.ci

	C.stagecp_options_init(o)
	if len(ci.SourceLayers) > 0 {
		o.from_layers = m.strv(ci.SourceLayers)
		o.nfrom_layers = C.size_t(len(ci.SourceLayers))
	} else if srcRoot != "" {
		o.from_root = m.str(srcRoot)
	}
	if len(ci.DestLayers) > 0 {
		o.to_layers = m.strv(ci.DestLayers)
		o.nto_layers = C.size_t(len(ci.DestLayers))
	} else {
		if dstRoot == "" {
			dstRoot = "."
		}
		o.to_root = m.str(dstRoot)
	}
	if ci.chownID != nil {
		o.chown = m.str(fmt.Sprintf("%d:%d", ci.chownID.Uid,
			ci.chownID.Gid))
	}
	if ci.Mode != nil {
		o.chmod = m.str(chmodSpec(*ci.Mode))
	}
	if len(ci.ExcludePatterns) > 0 {
		o.excludes = m.strv(ci.ExcludePatterns)
		o.nexcludes = C.size_t(len(ci.ExcludePatterns))
	}
	o.link = C.bool(ci.Link)
	o.strategy = uint32(ci.Strategy)
	o.jobs = C.uint(ci.Jobs)
	var flags uint
	if !ci.AllowWildcards {
		flags |= C.STAGECP_F_NO_WILDCARDS
	}
	if !ci.FollowLinks {
		flags |= C.STAGECP_F_SOURCE_NOFOLLOW
	}
	if !ci.CopyDirContents {
		flags |= C.STAGECP_F_COPY_DIR
	}
	if ci.NoCreateDestPath {
		flags |= C.STAGECP_F_NO_DEST_PARENTS
	}
	o.flags = C.uint(flags)
}

func (c *copyCall) run(ctx context.Context, srcRoot, src, dstRoot,
	dst string) error {
	var o C.struct_stagecp_options
	var m cmem
	var cctx *C.struct_stagecp_ctx

	defer m.free()
	h := cgo.NewHandle(c)
	defer h.Delete()
	c.options(&m, &o, srcRoot, dstRoot)
	cancel := (*C.int)(C.malloc(C.size_t(unsafe.Sizeof(C.int(0)))))
	*cancel = 0
	defer C.free(unsafe.Pointer(cancel))
	o.cancel = cancel
	C.scp_set_error_fn(&o, C.uintptr_t(h))
	if r := C.stagecp_new(&cctx, &o); r < 0 {
		return c.result(ctx, r, src)
	}
	defer C.stagecp_free(cctx)
	if c.ci.Chown != nil && c.ci.chownID == nil {
		C.scp_set_owner_fn(cctx, C.uintptr_t(h))
	}
	if n := len(c.ci.IncludePatterns); n > 0 {
		pats := m.strv(c.ci.IncludePatterns)
		if r := C.stagecp_set_includes(cctx, pats, C.size_t(n)); r < 0 {
			return c.result(ctx, r, src)
		}
	}
	srcs := m.strv([]string{src})
	cdst := m.str(dst)

	// The context reaches the engine through its cancel flag.
	done := make(chan struct{})
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		select {
		case <-ctx.Done():
			C.scp_cancel(cancel)
		case <-done:
		}
	}()
	r := C.stagecp_copy(cctx, srcs, 1, cdst)
	close(done)
	<-exited

	if c.ci.Stats != nil {
		var st C.struct_stagecp_stats

		C.stagecp_get_stats(cctx, &st)
		c.ci.Stats.fill(&st)
	}
	return c.result(ctx, r, src)
}

func (s *Stats) fill(st *C.struct_stagecp_stats) {
	for i := range s.Entries {
		s.Entries[i] = uint64(st.entries[i])
	}
	for i := range s.FilesByMethod {
		s.FilesByMethod[i] = uint64(st.files_by_method[i])
		s.BytesByMethod[i] = uint64(st.bytes_by_method[i])
	}
	s.Bytes = uint64(st.bytes)
	s.Errors = uint64(st.errors)
	s.Warnings = uint64(st.warnings)
	s.Elapsed = time.Duration(st.elapsed_ns)
}

// result turns the engine's return value and reports into Copy's error.
func (c *copyCall) result(ctx context.Context, r C.int, src string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r == -C.ECANCELED && ctx.Err() != nil {
		return canceled{ctx.Err()}
	}
	if c.cbErr != nil {
		return c.cbErr
	}
	if r >= 0 {
		return nil
	}
	if c.failure != nil {
		if c.failure.Err == nil {
			c.failure.Err = errno(r)
		}
		return c.failure
	}
	return &Error{Path: src, Op: "copy", Err: errno(r)}
}

//export goStagecpError
func goStagecpError(h C.uintptr_t, path, op *C.char, e C.int, msg *C.char,
	warning C.int) {
	c := cgo.Handle(h).Value().(*copyCall)
	rep := &Error{Path: C.GoString(path), Op: C.GoString(op)}
	if e != 0 {
		rep.Err = errno(-e)
	}
	if msg != nil {
		rep.Msg = C.GoString(msg)
	}
	if warning == 0 {
		c.mu.Lock()
		if c.failure == nil {
			c.failure = rep
		}
		c.mu.Unlock()
		return
	}
	// libstagecp warns about an xattr it could not copy and goes on;
	// fsutil asks its handler, whose error fails the copy.
	if i := strings.Index(rep.Op, " xattr"); i >= 0 {
		key := strings.TrimPrefix(rep.Op[i:], " xattrs")
		key = strings.TrimPrefix(strings.TrimPrefix(key, " xattr"), " ")
		c.xattrFailed(rep, key)
	}
}

func (c *copyCall) xattrFailed(rep *Error, key string) {
	var err error = rep

	defer func() {
		if p := recover(); p != nil {
			c.keepFirst(fmt.Errorf("stagecp: XAttrErrorHandler panicked: %v",
				p))
		}
	}()
	if h := c.ci.XAttrErrorHandler; h != nil {
		dst := filepath.Join(c.dstRoot, rep.Path)
		err = h(dst, "", key, rep)
	}
	if err != nil {
		c.keepFirst(err)
	}
}

//export goStagecpOwner
func goStagecpOwner(h C.uintptr_t, path *C.char, hasSrc C.int,
	uid *C.uid_t, gid *C.gid_t) (r C.int) {
	c := cgo.Handle(h).Value().(*copyCall)
	var old *User

	defer func() {
		if p := recover(); p != nil {
			c.keepFirst(&Error{Path: C.GoString(path), Op: "chown",
				Err: fmt.Errorf("Chowner panicked: %v", p)})
			r = -C.EINVAL
		}
	}()
	if hasSrc != 0 {
		old = &User{Uid: int(*uid), Gid: int(*gid)}
	}
	u, err := c.ci.Chown(old)
	if err == nil && u != nil && !validID(u) {
		err = fmt.Errorf("owner %d:%d out of range", u.Uid, u.Gid)
	}
	if err != nil {
		c.keepFirst(&Error{Path: C.GoString(path), Op: "chown", Err: err})
		var en syscall.Errno
		if errors.As(err, &en) && en > 0 {
			return -C.int(en)
		}
		return -C.EPERM
	}
	if u == nil { // fsutil leaves the entry as made: the caller's
		u = &User{Uid: os.Geteuid(), Gid: os.Getegid()}
	}
	*uid = C.uid_t(u.Uid)
	*gid = C.gid_t(u.Gid)
	return 0
}
