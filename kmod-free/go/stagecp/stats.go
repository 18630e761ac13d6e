// SPDX-License-Identifier: MIT

package stagecp

import "time"

// EntryType is a kind of entry, as libstagecp counts them.
type EntryType int

// The kinds of entry (enum stagecp_entry_type).
const (
	EntryFile EntryType = iota
	EntryDir
	EntrySymlink
	EntryHardlink // a regular file linked to an earlier copy
	EntryFifo
	EntryCharDevice
	EntryBlockDevice
	EntrySocket // recreated as an empty regular file
	entryTypeCount
)

var entryNames = [...]string{"file", "dir", "symlink", "hardlink", "fifo",
	"chr", "blk", "sock"}

func (t EntryType) String() string {
	if t < 0 || t >= entryTypeCount {
		return "unknown"
	}
	return entryNames[t]
}

// Method is how a regular file's data reached the destination.
type Method int

// The data movers (enum stagecp_method).
const (
	MethodNone      Method = iota // no data: empty file or not a file
	MethodClone                   // FICLONE: shared extents
	MethodCopyRange               // copy_file_range(2)
	MethodReadWrite               // read(2)/write(2)
	MethodHardlink                // linkat(2) to an earlier copy
	methodCount
)

var methodNames = [...]string{"none", "clone", "copy_file_range",
	"read/write", "hardlink"}

func (m Method) String() string {
	if m < 0 || m >= methodCount {
		return "unknown"
	}
	return methodNames[m]
}

// Stats are the totals of one Copy.  Bytes are logical bytes of regular
// files.
type Stats struct {
	Entries       [entryTypeCount]uint64 // by EntryType
	FilesByMethod [methodCount]uint64    // regular files by Method
	BytesByMethod [methodCount]uint64
	Bytes         uint64
	Errors        uint64
	Warnings      uint64
	Elapsed       time.Duration // time spent in the engine's copy
}

// Files is the number of regular files copied, hardlinks included.
func (s *Stats) Files() uint64 {
	return s.Entries[EntryFile] + s.Entries[EntryHardlink]
}
