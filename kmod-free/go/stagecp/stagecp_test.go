// SPDX-License-Identifier: MIT

package stagecp

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

// entry is what a test compares of one path: type, permission bits,
// owner, and the data or the symlink target.
type entry struct {
	kind     string
	perm     os.FileMode
	uid, gid int
	data     string
}

func (e entry) String() string {
	return fmt.Sprintf("%s %#o %d:%d %q", e.kind, e.perm, e.uid, e.gid,
		e.data)
}

// tree lists root recursively, relative paths to entries ("." included).
func tree(t *testing.T, root string) map[string]entry {
	t.Helper()
	out := map[string]entry{}
	err := filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		st := fi.Sys().(*syscall.Stat_t)
		e := entry{perm: fi.Mode() & (os.ModePerm | os.ModeSetuid |
			os.ModeSetgid | os.ModeSticky), uid: int(st.Uid),
			gid: int(st.Gid)}
		switch {
		case fi.IsDir():
			e.kind = "dir"
		case fi.Mode()&os.ModeSymlink != 0:
			e.kind = "symlink"
			e.data, err = os.Readlink(p)
		case fi.Mode().IsRegular():
			e.kind = "file"
			var b []byte
			b, err = os.ReadFile(p)
			e.data = string(b)
		default:
			e.kind = fi.Mode().Type().String()
		}
		out[rel] = e
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func names(m map[string]entry) []string {
	var v []string
	for k := range m {
		v = append(v, k)
	}
	sort.Strings(v)
	return v
}

// build makes a source tree from "path" -> spec: "dir", "->target" for a
// symlink, anything else is a file's data.  Files are 0644, dirs 0755.
func build(t *testing.T, root string, spec map[string]string) {
	t.Helper()
	keys := make([]string, 0, len(spec))
	for k := range spec {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p := filepath.Join(root, k)
		if err := os.MkdirAll(filepath.Dir(p), 0755); err != nil {
			t.Fatal(err)
		}
		var err error
		switch v := spec[k]; {
		case v == "dir":
			err = os.Mkdir(p, 0755)
		case strings.HasPrefix(v, "->"):
			err = os.Symlink(v[2:], p)
		default:
			err = os.WriteFile(p, []byte(v), 0644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

var sample = map[string]string{
	"out/a.txt":      "a",
	"out/b.go":       "package b",
	"out/sub/c.txt":  "c",
	"out/sub/d.bin":  "d",
	"out/link":       "->a.txt",
	"out/empty":      "dir",
	"f*":             "a literal star",
	"fx":             "matched by f*",
	"abs":            "->/out/a.txt",
	"out/sub/e.conf": "e",
}

func requireRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
}

func TestOptions(t *testing.T) {
	cases := []struct {
		name     string
		root     bool
		src, dst string
		opts     []Opt
		setupDst func(t *testing.T, dst string)
		check    func(t *testing.T, got map[string]entry, st *Stats)
	}{{
		name: "directory copied as itself",
		src:  "out", dst: "app",
		check: func(t *testing.T, got map[string]entry, st *Stats) {
			want(t, got, "app/a.txt", "file", "a")
			want(t, got, "app/sub/c.txt", "file", "c")
			want(t, got, "app/link", "symlink", "a.txt")
			want(t, got, "app/empty", "dir", "")
		},
	}, {
		name: "directory into an existing directory",
		src:  "out", dst: "app",
		setupDst: func(t *testing.T, dst string) {
			mkdir(t, filepath.Join(dst, "app"))
		},
		check: func(t *testing.T, got map[string]entry, st *Stats) {
			want(t, got, "app/out/a.txt", "file", "a")
		},
	}, {
		name: "CopyDirContents",
		src:  "out", dst: "app", opts: []Opt{CopyDirContents},
		setupDst: func(t *testing.T, dst string) {
			mkdir(t, filepath.Join(dst, "app"))
		},
		check: func(t *testing.T, got map[string]entry, st *Stats) {
			want(t, got, "app/a.txt", "file", "a")
			absent(t, got, "app/out")
		},
	}, {
		name: "a symlink source stays a symlink",
		src:  "abs", dst: "x",
		check: func(t *testing.T, got map[string]entry, st *Stats) {
			want(t, got, "x", "symlink", "/out/a.txt")
		},
	}, {
		name: "FollowLinks follows it inside the root",
		src:  "abs", dst: "x", opts: []Opt{FollowLinks},
		check: func(t *testing.T, got map[string]entry, st *Stats) {
			want(t, got, "x", "file", "a")
		},
	}, {
		name: "without AllowWildcards a star is literal",
		src:  "f*", dst: "/",
		check: func(t *testing.T, got map[string]entry, st *Stats) {
			want(t, got, "f*", "file", "a literal star")
			absent(t, got, "fx")
		},
	}, {
		name: "AllowWildcards",
		src:  "out/*.txt", dst: "/t/", opts: []Opt{AllowWildcards},
		check: func(t *testing.T, got map[string]entry, st *Stats) {
			want(t, got, "t/a.txt", "file", "a")
			absent(t, got, "t/b.go")
		},
	}, {
		name: "include patterns",
		src:  "out", dst: "app", opts: []Opt{CopyDirContents,
			WithIncludePattern("*.txt"), WithIncludePattern("sub/*.txt")},
		check: func(t *testing.T, got map[string]entry, st *Stats) {
			want(t, got, "app/a.txt", "file", "a")
			want(t, got, "app/sub/c.txt", "file", "c")
			absent(t, got, "app/b.go")
			absent(t, got, "app/sub/d.bin")
			absent(t, got, "app/empty")
		},
	}, {
		name: "exclude patterns",
		src:  "out", dst: "app", opts: []Opt{CopyDirContents,
			WithExcludePattern("sub/*"), WithExcludePattern("!sub/c.txt")},
		check: func(t *testing.T, got map[string]entry, st *Stats) {
			want(t, got, "app/a.txt", "file", "a")
			want(t, got, "app/sub/c.txt", "file", "c")
			absent(t, got, "app/sub/d.bin")
		},
	}, {
		name: "mode",
		src:  "out", dst: "app", opts: []Opt{WithMode(0640)},
		check: func(t *testing.T, got map[string]entry, st *Stats) {
			wantPerm(t, got, "app/a.txt", 0640)
			wantPerm(t, got, "app/sub", 0640)
		},
	}, {
		name: "WithChown", root: true,
		src: "out", dst: "deep/app", opts: []Opt{WithChown(1234, 5678)},
		check: func(t *testing.T, got map[string]entry, st *Stats) {
			for _, p := range []string{"deep", "deep/app",
				"deep/app/a.txt", "deep/app/link"} {
				wantOwner(t, got, p, 1234, 5678)
			}
		},
	}, {
		name: "a Chowner per entry", root: true,
		src: "out", dst: "deep/app", opts: []Opt{func(ci *CopyInfo) {
			ci.Chown = func(old *User) (*User, error) {
				if old == nil { // made on the way
					return &User{Uid: 7, Gid: 7}, nil
				}
				return &User{Uid: old.Uid + 100, Gid: old.Gid + 200}, nil
			}
		}},
		check: func(t *testing.T, got map[string]entry, st *Stats) {
			wantOwner(t, got, "deep", 7, 7)
			wantOwner(t, got, "deep/app/a.txt", 100, 200)
			wantOwner(t, got, "deep/app/link", 100, 200)
			wantOwner(t, got, "deep/app", 100, 200)
		},
	}, {
		name: "missing parents are made",
		src:  "out/a.txt", dst: "x/y/z",
		check: func(t *testing.T, got map[string]entry, st *Stats) {
			want(t, got, "x/y/z", "file", "a")
			wantPerm(t, got, "x/y", 0755)
		},
	}, {
		name: "read/write strategy and stats",
		src:  "out", dst: "app", opts: []Opt{WithStrategy(StrategyReadWrite),
			WithJobs(1)},
		check: func(t *testing.T, got map[string]entry, st *Stats) {
			if n := st.FilesByMethod[MethodReadWrite]; n != 5 {
				t.Errorf("read/write files = %d, want 5", n)
			}
			if st.Files() != 5 || st.Entries[EntryDir] != 3 ||
				st.Entries[EntrySymlink] != 1 {
				t.Errorf("stats %+v: want 5 files, 3 dirs, 1 symlink",
					st.Entries)
			}
			if st.Bytes != 13 || st.BytesByMethod[MethodReadWrite] != 13 {
				t.Errorf("bytes %d, want 13", st.Bytes)
			}
		},
	}, {
		name: "copy_file_range strategy with many jobs",
		src:  "out", dst: "app", opts: []Opt{
			WithStrategy(StrategyCopyRange), WithJobs(4)},
		check: func(t *testing.T, got map[string]entry, st *Stats) {
			want(t, got, "app/sub/e.conf", "file", "e")
			if n := st.FilesByMethod[MethodCopyRange]; n != 5 {
				t.Errorf("copy_file_range files = %d, want 5", n)
			}
		},
	}, {
		name: "hardlink strategy",
		src:  "out", dst: "app", opts: []Opt{WithStrategy(StrategyHardlink)},
		check: func(t *testing.T, got map[string]entry, st *Stats) {
			if n := st.FilesByMethod[MethodHardlink]; n != 5 {
				t.Errorf("hardlinked files = %d, want 5", n)
			}
		},
	}, {
		name: "--link makes real directories on the way",
		src:  "out/a.txt", dst: "/app/a", opts: []Opt{WithLink},
		setupDst: appLinksToReal,
		check: func(t *testing.T, got map[string]entry, st *Stats) {
			want(t, got, "app/a", "file", "a")
			absent(t, got, "real/a")
		},
	}, {
		name: "without --link DEST's symlinks are followed",
		src:  "out/a.txt", dst: "/app/a",
		setupDst: appLinksToReal,
		check: func(t *testing.T, got map[string]entry, st *Stats) {
			want(t, got, "real/a", "file", "a")
		},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.root {
				requireRoot(t)
			}
			src, dst := t.TempDir(), t.TempDir()
			build(t, src, sample)
			if tc.setupDst != nil {
				tc.setupDst(t, dst)
			}
			var st Stats
			opts := append([]Opt{WithStats(&st)}, tc.opts...)
			if err := Copy(context.Background(), src, tc.src, dst,
				tc.dst, opts...); err != nil {
				t.Fatalf("Copy: %v", err)
			}
			tc.check(t, tree(t, dst), &st)
		})
	}
}

// appLinksToReal makes dst/app a symlink to the directory dst/real.
func appLinksToReal(t *testing.T, dst string) {
	mkdir(t, filepath.Join(dst, "real"))
	if err := os.Symlink("real", filepath.Join(dst, "app")); err != nil {
		t.Fatal(err)
	}
}

func mkdir(t *testing.T, p string) {
	t.Helper()
	if err := os.MkdirAll(p, 0755); err != nil {
		t.Fatal(err)
	}
}

func want(t *testing.T, got map[string]entry, p, kind, data string) {
	t.Helper()
	e, ok := got[p]
	if !ok {
		t.Errorf("%s missing; have %v", p, names(got))
		return
	}
	if e.kind != kind || e.data != data {
		t.Errorf("%s: %v, want %s %q", p, e, kind, data)
	}
}

func absent(t *testing.T, got map[string]entry, p string) {
	t.Helper()
	if _, ok := got[p]; ok {
		t.Errorf("%s copied, should not be", p)
	}
}

func wantPerm(t *testing.T, got map[string]entry, p string, perm os.FileMode) {
	t.Helper()
	if e, ok := got[p]; !ok || e.perm != perm {
		t.Errorf("%s: %v, want mode %#o", p, e, perm)
	}
}

func wantOwner(t *testing.T, got map[string]entry, p string, uid, gid int) {
	t.Helper()
	if e, ok := got[p]; !ok || e.uid != uid || e.gid != gid {
		t.Errorf("%s: %v, want owner %d:%d", p, e, uid, gid)
	}
}

// The mode keeps setuid, as fsutil's (m &^ 0777) | mode does.
func TestModeKeepsSpecialBits(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	build(t, src, map[string]string{"s": "x"})
	if err := syscall.Chmod(filepath.Join(src, "s"), 04755); err != nil {
		t.Fatal(err)
	}
	if err := Copy(context.Background(), src, "s", dst, "s",
		WithMode(0700)); err != nil {
		t.Fatal(err)
	}
	wantPerm(t, tree(t, dst), "s", 0700|os.ModeSetuid)
}

func TestSourceLayers(t *testing.T) {
	upper, lower, dst := t.TempDir(), t.TempDir(), t.TempDir()
	build(t, lower, map[string]string{"out/a": "lower a", "out/b": "b"})
	build(t, upper, map[string]string{"out/a": "upper a"})
	if err := Copy(context.Background(), "", "/out", dst, "/app",
		WithSourceLayers(upper, lower)); err != nil {
		t.Fatal(err)
	}
	got := tree(t, dst)
	want(t, got, "app/a", "file", "upper a")
	want(t, got, "app/b", "file", "b")
}

func TestDestLayers(t *testing.T) {
	src, upper, lower := t.TempDir(), t.TempDir(), t.TempDir()
	build(t, src, map[string]string{"f": "data"})
	build(t, lower, map[string]string{"app": "dir"})
	if err := Copy(context.Background(), src, "f", "", "/app/",
		WithDestLayers(upper, lower)); err != nil {
		t.Fatal(err)
	}
	want(t, tree(t, upper), "app/f", "file", "data")
	absent(t, tree(t, lower), "app/f")
}

// An xattr the destination cannot hold: ramfs takes no user.* xattrs.
func TestXAttrErrorHandler(t *testing.T) {
	requireRoot(t)
	src, dst := t.TempDir(), t.TempDir()
	build(t, src, map[string]string{"f": "x"})
	if err := syscall.Setxattr(filepath.Join(src, "f"), "user.k",
		[]byte("v"), 0); err != nil {
		t.Skipf("the source takes no user xattrs: %v", err)
	}
	if err := syscall.Mount("ramfs", dst, "ramfs", 0, ""); err != nil {
		t.Skipf("cannot mount ramfs: %v", err)
	}
	defer syscall.Unmount(dst, syscall.MNT_DETACH)

	err := Copy(context.Background(), src, "f", dst, "f1")
	if !errors.Is(err, syscall.EOPNOTSUPP) {
		t.Errorf("no handler: %v, want EOPNOTSUPP", err)
	}
	var seen []string
	err = Copy(context.Background(), src, "f", dst, "f2",
		WithXAttrErrorHandler(func(d, s, key string, err error) error {
			seen = append(seen, d+" "+key)
			return nil
		}))
	if err != nil {
		t.Errorf("handler ignoring: %v", err)
	}
	if w := filepath.Join(dst, "f2") + " user.k"; len(seen) != 1 ||
		seen[0] != w {
		t.Errorf("handler saw %q, want [%q]", seen, w)
	}
	mine := errors.New("refused")
	err = Copy(context.Background(), src, "f", dst, "f3",
		WithXAttrErrorHandler(func(string, string, string, error) error {
			return mine
		}))
	if !errors.Is(err, mine) {
		t.Errorf("handler failing: %v, want its error", err)
	}
	if err := Copy(context.Background(), src, "f", dst, "f4",
		AllowXAttrErrors); err != nil {
		t.Errorf("AllowXAttrErrors: %v", err)
	}
}

func TestErrors(t *testing.T) {
	boom := errors.New("boom")
	cases := []struct {
		name     string
		src, dst string
		srcRoot  string
		opts     []Opt
		is       error
	}{
		{"missing source", "nope", "x", "", nil, fs.ErrNotExist},
		{"missing source root", "out", "x", "/nonexistent/stagecp", nil,
			fs.ErrNotExist},
		{"NUL in a path", "out\x00x", "x", "", nil, syscall.EINVAL},
		{"NUL in a pattern", "out", "x", "",
			[]Opt{WithExcludePattern("a\x00")}, syscall.EINVAL},
		{"bad exclude pattern", "out", "x", "",
			[]Opt{WithExcludePattern("[")}, syscall.EINVAL},
		{"bad include pattern", "out", "x", "",
			[]Opt{WithIncludePattern("[")}, syscall.EINVAL},
		{"mode out of range", "out", "x", "", []Opt{WithMode(-1)},
			syscall.EINVAL},
		{"unknown strategy", "out", "x", "",
			[]Opt{WithStrategy(Strategy(42))}, syscall.EINVAL},
		{"negative jobs", "out", "x", "", []Opt{WithJobs(-3)},
			syscall.EINVAL},
		{"negative owner", "out", "x", "", []Opt{WithChown(-1, 0)},
			syscall.EINVAL},
		{"Utime", "out", "x", "", []Opt{func(ci *CopyInfo) {
			ci.Utime = new(time.Time)
		}}, syscall.ENOTSUP},
		{"no parent with CreateDestPath(false)", "out/a.txt", "p/q/a",
			"", []Opt{CreateDestPath(false)}, fs.ErrNotExist},
		{"file over a directory", "out/a.txt", "full", "", nil, nil},
		{"Chowner error", "out", "x", "", []Opt{func(ci *CopyInfo) {
			ci.Chown = func(*User) (*User, error) { return nil, boom }
		}}, boom},
		{"Chowner errno", "out", "x", "", []Opt{func(ci *CopyInfo) {
			ci.Chown = func(*User) (*User, error) {
				return nil, syscall.EACCES
			}
		}}, fs.ErrPermission},
		{"Chowner out of range", "out", "x", "", []Opt{func(ci *CopyInfo) {
			ci.Chown = func(*User) (*User, error) {
				return &User{Uid: -5}, nil
			}
		}}, nil},
		{"Chowner panics", "out", "x", "", []Opt{func(ci *CopyInfo) {
			ci.Chown = func(*User) (*User, error) { panic("chowner") }
		}}, nil},
		{"nil option", "out", "x", "", []Opt{nil, func(ci *CopyInfo) {
			ci.Chown = func(*User) (*User, error) { return nil, boom }
		}}, boom},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src, dst := t.TempDir(), t.TempDir()
			build(t, src, sample)
			mkdir(t, filepath.Join(dst, "full/a.txt/inside"))
			if tc.srcRoot != "" {
				src = tc.srcRoot
			}
			err := Copy(context.Background(), src, tc.src, dst, tc.dst,
				tc.opts...)
			if err == nil {
				t.Fatal("Copy succeeded")
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Fatalf("error %q (%#v) is not %v", err, err, tc.is)
			}
			if tc.is == syscall.EINVAL || tc.is == fs.ErrNotExist {
				var e *Error
				if !errors.As(err, &e) || e.Op == "" || e.Path == "" {
					t.Errorf("%#v: want an *Error with op and path",
						err)
				}
			}
		})
	}
}

func TestCancel(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	spec := map[string]string{}
	for i := 0; i < 300; i++ {
		spec[fmt.Sprintf("out/d%d/f%d", i%10, i)] = "x"
	}
	build(t, src, spec)

	t.Run("before the copy", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := Copy(ctx, src, "out", dst, "a")
		if !errors.Is(err, context.Canceled) ||
			!errors.Is(err, syscall.ECANCELED) {
			t.Fatalf("%v: want context.Canceled", err)
		}
		if _, err := os.Lstat(filepath.Join(dst, "a")); err == nil {
			t.Error("a cancelled copy wrote")
		}
	})
	t.Run("during the copy", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var st Stats
		calls := 0
		// The first owner decision cancels, then waits for the
		// engine's flag: the rest of the tree is not copied.
		chown := func(old *User) (*User, error) {
			calls++
			if calls == 1 {
				cancel()
				<-ctx.Done()
				waitCancelled()
			}
			return old, nil
		}
		err := Copy(ctx, src, "out", dst, "b", WithJobs(1),
			WithStats(&st), func(ci *CopyInfo) { ci.Chown = chown })
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("%v: want context.Canceled", err)
		}
		if st.Files() >= 300 {
			t.Errorf("%d files copied after the cancel", st.Files())
		}
	})
	t.Run("deadline", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 0)
		defer cancel()
		err := Copy(ctx, src, "out", dst, "c")
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("%v: want context.DeadlineExceeded", err)
		}
	})
}
