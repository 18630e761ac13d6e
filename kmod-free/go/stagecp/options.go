// SPDX-License-Identifier: MIT

package stagecp

import "time"

// User is an owner: a uid and a gid.
type User struct {
	Uid, Gid int
}

// Chowner gives the owner of an entry from its source's owner, which is
// nil for a directory the copy makes on the way to the destination.  A nil
// User leaves the entry owned by the caller.  An error fails the copy.
type Chowner func(*User) (*User, error)

// XAttrErrorHandler decides on an extended attribute that could not be
// copied: dst is the destination path on the host, src is empty (libstagecp
// names only the destination), key is the attribute ("" when the source's
// attributes could not be listed).  Returning nil ignores the failure; an
// error fails the copy once the rest of the tree is copied.
type XAttrErrorHandler func(dst, src, xattrKey string, err error) error

// Strategy chooses the data movers, as stagecp --strategy does.
type Strategy int

const (
	// StrategyAuto: clone, then copy_file_range, then read/write, the
	// first that works for each pair of filesystems.
	StrategyAuto Strategy = iota
	// StrategyClone: reflinks only; a filesystem that cannot is an error.
	StrategyClone
	// StrategyCopyRange: copy_file_range only.
	StrategyCopyRange
	// StrategyReadWrite: read/write only.
	StrategyReadWrite
	// StrategyHardlink: files whose owner and mode the copy keeps are
	// hard-linked to the source (an immutable snapshot), the others go
	// through StrategyAuto.
	StrategyHardlink
)

// CopyInfo holds the options of one Copy.  Its first fields are those of
// fsutil's copy.CopyInfo, with the same meaning; the rest are stagecp's.
type CopyInfo struct {
	// Chown gives each entry's owner; nil keeps the source's owners.
	Chown Chowner
	// Utime is not supported: a Copy with it set fails with ENOTSUP.
	Utime *time.Time
	// AllowWildcards: "*", "?" and "[" in src are Go filepath.Match
	// patterns; each match is copied.  Otherwise src is literal.
	AllowWildcards bool
	// Mode replaces the permission bits (0777) of every copied entry
	// but symlinks; setuid, setgid and sticky bits stay the source's.
	Mode *int
	// XAttrErrorHandler decides on xattr failures; nil fails the copy.
	XAttrErrorHandler XAttrErrorHandler
	// CopyDirContents: a directory source has its contents copied into
	// dst.  Otherwise the directory itself is copied: it becomes dst when
	// dst does not exist, or dst/<name> when dst is a directory.
	CopyDirContents bool
	// FollowLinks: a symlink src (or wildcard match) is followed;
	// otherwise it is copied as a symlink.  Symlinks on the way to it
	// are followed either way, inside srcRoot.
	FollowLinks bool
	// IncludePatterns (.dockerignore rules, relative to a directory
	// source): only matching entries, with what lies below them and the
	// directories leading to them, are copied.
	IncludePatterns []string
	// ExcludePatterns (.dockerignore rules, "!" re-includes): matching
	// entries are not copied.
	ExcludePatterns []string
	// NoCreateDestPath: the parent of dst must exist (a dst ending in
	// "/" must exist itself); Copy fails with ENOENT otherwise.  By
	// default missing directories are made, mode 0755.
	NoCreateDestPath bool

	// Strategy: see Strategy.
	Strategy Strategy
	// Jobs is the number of worker threads; 0 means one per CPU.
	Jobs int
	// SourceLayers, topmost first, replace srcRoot: an overlay layer
	// stack read without mounting it.
	SourceLayers []string
	// DestLayers, upper directory first, replace dstRoot: paths resolve
	// in the merged view and only the upper directory is written.
	DestLayers []string
	// Link copies as into an empty layer, then merges (COPY --link).
	Link bool
	// Stats, when not nil, receives the totals of the copy.
	Stats *Stats

	// chownID is WithChown's owner: one for every entry, applied by the
	// engine without a call per entry.
	chownID *User
}

// Opt sets an option of a Copy.
type Opt func(*CopyInfo)

// WithCopyInfo replaces every option with ci.
func WithCopyInfo(ci CopyInfo) func(*CopyInfo) {
	return func(c *CopyInfo) {
		*c = ci
	}
}

// WithChown gives every copied entry, and every directory the copy makes,
// the owner uid:gid.
func WithChown(uid, gid int) Opt {
	return func(ci *CopyInfo) {
		u := User{Uid: uid, Gid: gid}
		ci.Chown = func(*User) (*User, error) {
			return &User{Uid: uid, Gid: gid}, nil
		}
		ci.chownID = &u
	}
}

// AllowWildcards makes src a Go filepath.Match pattern.
func AllowWildcards(ci *CopyInfo) {
	ci.AllowWildcards = true
}

// WithXAttrErrorHandler sets the handler of xattr failures.
func WithXAttrErrorHandler(h XAttrErrorHandler) Opt {
	return func(ci *CopyInfo) {
		ci.XAttrErrorHandler = h
	}
}

// AllowXAttrErrors ignores xattrs that cannot be copied.
func AllowXAttrErrors(ci *CopyInfo) {
	WithXAttrErrorHandler(func(string, string, string, error) error {
		return nil
	})(ci)
}

// WithMode replaces the permission bits of every copied entry.
func WithMode(mode int) Opt {
	return func(ci *CopyInfo) {
		ci.Mode = &mode
	}
}

// CopyDirContents copies a directory source's contents, not the directory.
func CopyDirContents(ci *CopyInfo) {
	ci.CopyDirContents = true
}

// FollowLinks follows a symlink source.
func FollowLinks(ci *CopyInfo) {
	ci.FollowLinks = true
}

// WithIncludePattern adds an include pattern.
func WithIncludePattern(p string) Opt {
	return func(ci *CopyInfo) {
		ci.IncludePatterns = append(ci.IncludePatterns, p)
	}
}

// WithExcludePattern adds an exclude pattern.
func WithExcludePattern(p string) Opt {
	return func(ci *CopyInfo) {
		ci.ExcludePatterns = append(ci.ExcludePatterns, p)
	}
}

// CreateDestPath says whether missing directories on the way to dst are
// made (the default) or an error.
func CreateDestPath(create bool) Opt {
	return func(ci *CopyInfo) {
		ci.NoCreateDestPath = !create
	}
}

// WithStrategy chooses the data movers.
func WithStrategy(s Strategy) Opt {
	return func(ci *CopyInfo) {
		ci.Strategy = s
	}
}

// WithJobs sets the number of worker threads (0: one per CPU).
func WithJobs(n int) Opt {
	return func(ci *CopyInfo) {
		ci.Jobs = n
	}
}

// WithSourceLayers reads the source from an overlay layer stack, topmost
// first, in place of srcRoot.
func WithSourceLayers(layers ...string) Opt {
	return func(ci *CopyInfo) {
		ci.SourceLayers = layers
	}
}

// WithDestLayers writes into an unmounted overlay stack, upper directory
// first, in place of dstRoot.
func WithDestLayers(layers ...string) Opt {
	return func(ci *CopyInfo) {
		ci.DestLayers = layers
	}
}

// WithLink copies as COPY --link does.
func WithLink(ci *CopyInfo) {
	ci.Link = true
}

// WithStats has the totals of the copy stored in *st.
func WithStats(st *Stats) Opt {
	return func(ci *CopyInfo) {
		ci.Stats = st
	}
}
