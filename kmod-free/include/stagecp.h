/* SPDX-License-Identifier: MIT */
/*
 * stagecp: the copy engine behind COPY --from=<stage>.
 *
 * This header is the whole contract between the engine and a program that
 * links it.  The engine never prints and keeps no global mutable state: every
 * piece of state lives in a struct stagecp_ctx, so two contexts can run in
 * one process at once.  A single context is not thread-safe: call it from
 * one thread at a time.  Inside stagecp_copy() the engine runs its own
 * worker threads (stagecp_options.jobs); the callbacks are then called from
 * those threads, one call at a time.
 *
 * Return values: functions that act return 0 on success and a negative errno
 * on failure.  Functions that answer a question return bool.
 *
 * Typical use:
 *
 *	struct stagecp_options o;
 *	struct stagecp_ctx *ctx;
 *
 *	stagecp_options_init(&o);
 *	o.from_root = "/var/lib/builder/stage1";
 *	o.to_root = "/var/lib/builder/stage2";
 *	if (stagecp_new(&ctx, &o) < 0)
 *		...;
 *	r = stagecp_copy(ctx, srcs, nsrcs, "/app/");
 *	stagecp_get_stats(ctx, &stats);
 *	stagecp_free(ctx);
 */
#ifndef STAGECP_H
#define STAGECP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define STAGECP_VERSION "0.2.0"

#if defined(__GNUC__)
#define STAGECP_API __attribute__((visibility("default")))
#else
#define STAGECP_API
#endif

/* The engine context: opaque, made by stagecp_new(), freed by stagecp_free(). */
struct stagecp_ctx;

/* How the data of one regular file reached the destination. */
enum stagecp_method {
	STAGECP_METHOD_NONE = 0,	/* no data: empty file or not a file */
	STAGECP_METHOD_CLONE,		/* ioctl(FICLONE): shared extents */
	STAGECP_METHOD_COPY_RANGE,	/* copy_file_range(2): in-kernel copy */
	STAGECP_METHOD_READ_WRITE,	/* read(2)/write(2) through userspace */
	STAGECP_METHOD_HARDLINK,	/* linkat(2) to an earlier copy */
	STAGECP_METHOD_COUNT
};

/*
 * Which data movers a copy may use.  AUTO walks the fallback ladder
 * clone -> copy_file_range -> read/write and remembers, per pair of
 * filesystems, which step works.  The others force one step: a forced step
 * that the filesystems cannot do is an error, not a silent fallback.
 */
enum stagecp_strategy {
	STAGECP_STRATEGY_AUTO = 0,
	STAGECP_STRATEGY_CLONE,
	STAGECP_STRATEGY_COPY,		/* copy_file_range only */
	STAGECP_STRATEGY_RW,		/* read/write only */
	/*
	 * For an immutable source snapshot (a committed build stage): a
	 * regular file whose owner and mode the copy would not change is
	 * linked (linkat) into the destination, sharing the source's inode;
	 * the others go through the AUTO ladder.  The source must never be
	 * written in place afterwards, or the destination changes with it.
	 * Source and destination must be one filesystem.
	 */
	STAGECP_STRATEGY_HARDLINK,
};

/* The kinds of entry the engine reports in stagecp_entry. */
enum stagecp_entry_type {
	STAGECP_ENTRY_FILE = 0,
	STAGECP_ENTRY_DIR,
	STAGECP_ENTRY_SYMLINK,
	STAGECP_ENTRY_HARDLINK,		/* a regular file linked to an earlier one */
	STAGECP_ENTRY_FIFO,
	STAGECP_ENTRY_CHR,
	STAGECP_ENTRY_BLK,
	STAGECP_ENTRY_SOCK,		/* recreated as an empty regular file */
	STAGECP_ENTRY_TYPE_COUNT
};

/*
 * One failure or warning.  Every pointer is owned by the engine and valid
 * only during the callback: copy what you keep.
 */
struct stagecp_error {
	const char *path;	/* the path as seen inside its stage root */
	const char *op;		/* what was being done: "create", "clone", ... */
	int err;		/* positive errno, or 0 when msg says it all */
	const char *msg;	/* text to show instead of strerror(err), or NULL */
	bool warning;		/* true: reported, but the entry was copied */
};

/* What a copy does (or, with STAGECP_F_DRY_RUN, would do) at DEST. */
enum stagecp_action {
	STAGECP_ACTION_CREATE = 0,	/* a new entry */
	STAGECP_ACTION_REPLACE,		/* an existing one goes first */
	STAGECP_ACTION_MERGE,		/* into an existing directory */
};

/* One entry that was copied.  Pointers are valid during the callback only. */
struct stagecp_entry {
	const char *src;	/* source path, inside the source root */
	const char *dst;	/* destination path, inside the destination root */
	enum stagecp_entry_type type;
	enum stagecp_method method;	/* for regular files */
	uint64_t size;		/* logical size for regular files */
	/* Told apart by dry runs only: a copy reports CREATE. */
	enum stagecp_action action;
};

struct stagecp_stats;

typedef void (*stagecp_error_fn)(void *arg, const struct stagecp_error *e);
typedef void (*stagecp_entry_fn)(void *arg, const struct stagecp_entry *e);
/*
 * Progress, at most every progress_interval_ms: the totals so far and the
 * mover used last.  st is valid during the call only.
 */
typedef void (*stagecp_progress_fn)(void *arg, const struct stagecp_stats *st,
				    enum stagecp_method last);

/* Flags for stagecp_options.flags. */
enum {
	/* Resolve paths with the O_NOFOLLOW walk even where openat2 works. */
	STAGECP_F_NO_OPENAT2 = 1u << 0,
	/*
	 * Write each regular file unnamed (O_TMPFILE) or under a hidden
	 * temporary name, and give it its final name only when it is
	 * complete: no final name ever holds part of a file.
	 */
	STAGECP_F_ATOMIC = 1u << 1,
	/*
	 * Report through on_entry what would be created, replaced or merged,
	 * with the mover that would be used, and write nothing.  Errors the
	 * copy would meet at the destination are reported as usual.
	 */
	STAGECP_F_DRY_RUN = 1u << 2,
	/*
	 * to_root is a new layer (COPY --link): it is made when missing and
	 * must be empty, and it gets only the copied entries and the
	 * directories leading to them, with --link metadata.  --chown names
	 * are looked up in base_root or base_layers.
	 */
	STAGECP_F_NEW_LAYER = 1u << 3,
	/* Make no io_uring: every syscall is made on its own. */
	STAGECP_F_NO_IO_URING = 1u << 4,
	/*
	 * Batch every call the ring can take, also the stats, creates,
	 * mkdirs and links that the kernel hands to its own worker threads.
	 * By default only the opens and closes it runs in place go through
	 * the ring: on a machine whose cores the copy already keeps busy,
	 * the handoff costs more than it saves.  For machines with cores to
	 * spare, and for benchmarking.
	 */
	STAGECP_F_IO_URING_ALL = 1u << 5,
	/*
	 * The flags below give the cp -a rules of BuildKit's Go copier
	 * (fsutil's copy.Copy) where Docker's COPY rules differ.  They came
	 * with the STAGECP_0.2 symbols; a library without those would ignore
	 * them, so a program that needs them links one (the Go package does).
	 *
	 * Sources are taken literally: "*", "?" and "[" are no wildcards.
	 */
	STAGECP_F_NO_WILDCARDS = 1u << 6,
	/*
	 * The last component of each source is not followed: a symlink
	 * source is copied as a symlink.  Symlinks before it still are.
	 */
	STAGECP_F_SOURCE_NOFOLLOW = 1u << 7,
	/*
	 * A directory source is copied as itself, as cp -a does: onto DEST
	 * when DEST does not exist, which it then becomes with the source
	 * directory's owner, mode, xattrs and times; into DEST (as
	 * DEST/<name>) when DEST is a directory.  Without this flag the
	 * directory's contents go into DEST.
	 */
	STAGECP_F_COPY_DIR = 1u << 8,
	/*
	 * The parent of DEST must exist: it is not created, and the copy
	 * fails with -ENOENT.
	 */
	STAGECP_F_NO_DEST_PARENTS = 1u << 9,
};

struct stagecp_options {
	/*
	 * The source stage root.  SRC paths resolve inside it, with "/"
	 * meaning this directory, ".." stopping at it and symlinks followed
	 * as if it were "/".  NULL means the current directory.
	 */
	const char *from_root;
	/*
	 * Instead of from_root: the source is an overlay layer stack, these
	 * directories topmost first (overlayfs lowerdir order, the upper
	 * first if any).  The engine computes the merged view itself, so
	 * files are read from their real layers (and can be cloned).
	 */
	const char *const *from_layers;
	size_t nfrom_layers;
	/* The stack uses user.overlay.* xattrs (mounted with userxattr). */
	bool userxattr;
	/*
	 * Where --chown names are looked up for a new layer
	 * (STAGECP_F_NEW_LAYER): a root, or a layer stack, topmost first.
	 */
	const char *base_root;
	const char *const *base_layers;
	size_t nbase_layers;
	/*
	 * Instead of to_root: the destination is an unmounted overlay stack,
	 * the upper directory first, then the lower layers.  DEST, its
	 * symlinks, existing directories and /etc/passwd are resolved in the
	 * merged view; only the upper directory is written.
	 */
	const char *const *to_layers;
	size_t nto_layers;
	/* The destination stage root, with the same rules.  NULL means "/". */
	const char *to_root;
	/*
	 * Where a relative DEST starts, inside to_root.  NULL means "/" when
	 * to_root is given and the current directory (which must then lie
	 * under to_root, normally "/") otherwise.
	 */
	const char *workdir;
	/*
	 * --chown=USER[:GROUP]: the owner of every copied entry and of every
	 * directory the copy creates.  Names are looked up in the destination
	 * root's /etc/passwd and /etc/group, as they are before the copy; an
	 * unknown name is an error.  NULL keeps the source's owners.
	 */
	const char *chown;
	/* --chmod=MODE: octal up to 07777 or symbolic (u+x,go-w).  NULL
	 * keeps the source's modes. */
	const char *chmod;
	/* --exclude patterns (.dockerignore rules), relative to each copied
	 * source. */
	const char *const *excludes;
	size_t nexcludes;
	/* --parents: keep the source's parent directories ("/./" pivots). */
	bool parents;
	/* --link: copy as into an empty destination, then merge. */
	bool link;
	enum stagecp_strategy strategy;
	/* Worker threads; 0 means one per online CPU. */
	unsigned int jobs;
	unsigned int flags;		/* STAGECP_F_* */
	stagecp_error_fn on_error;	/* may be NULL */
	void *error_arg;
	stagecp_entry_fn on_entry;	/* may be NULL; called per copied entry */
	void *entry_arg;
	stagecp_progress_fn on_progress;	/* may be NULL */
	void *progress_arg;
	unsigned int progress_interval_ms;	/* 0 means 100 */
	/*
	 * Cancellation: when *cancel becomes non-zero (from any thread or a
	 * signal handler) the copy stops at the next entry, removes the file
	 * it was writing and returns -ECANCELED.  May be NULL.
	 */
	const volatile int *cancel;
};

/*
 * Totals for everything a context has copied.  Bytes are logical bytes of
 * regular files; files_by_method counts regular files by data mover.
 */
struct stagecp_stats {
	uint64_t entries[STAGECP_ENTRY_TYPE_COUNT];
	uint64_t files_by_method[STAGECP_METHOD_COUNT];
	uint64_t bytes_by_method[STAGECP_METHOD_COUNT];
	uint64_t bytes;
	uint64_t errors;
	uint64_t warnings;
	uint64_t elapsed_ns;	/* time spent inside stagecp_copy() */
};

/*
 * Where the workers' time went, by phase.  The figures are summed over the
 * worker threads (each is always in exactly one phase), so with N workers
 * they add up to about N times the time spent copying.  New phases are
 * only ever added at the end, before STAGECP_PHASE_COUNT.
 */
enum stagecp_phase {
	STAGECP_PHASE_WALK = 0,	/* listing, opening and stat-ing sources */
	STAGECP_PHASE_CREATE,	/* making destination entries */
	STAGECP_PHASE_DATA,	/* moving file data (clone, copy, links) */
	STAGECP_PHASE_METADATA,	/* xattrs, owners, modes, times */
	STAGECP_PHASE_WAIT,	/* a worker waiting for work */
	STAGECP_PHASE_COUNT
};

/* Fill *o with the defaults described above. */
STAGECP_API void stagecp_options_init(struct stagecp_options *o);

/*
 * Create a context.  The options are copied, so *o may be freed afterwards.
 * Opens both roots.  Returns 0 and sets *out, or a negative errno (and
 * reports the failing root through o->on_error).  -EINVAL means an option
 * is malformed (a bad --chmod or --exclude pattern): a usage error.
 */
STAGECP_API int stagecp_new(struct stagecp_ctx **out,
			    const struct stagecp_options *o);

/*
 * Run one COPY: copy srcs[0..nsrcs-1], in order, to dest, with Docker COPY
 * rules: a directory source copies its contents, a DEST ending in "/" is a
 * directory, a file copied onto an existing directory goes inside it, and
 * missing parents of DEST are created.
 *
 * Errors are reported per entry through on_error and the copy goes on.
 * Returns 0 when everything was copied, or the negative errno of the first
 * failure (-EIO where the failure has no errno).  A file that failed is
 * removed, never left half-written under its name.
 *
 * Stage roots given by path (to_root, from_root) are watched: a copy that
 * writes takes an advisory lock (flock, exclusive) on the destination root
 * for its duration, and fails with -EWOULDBLOCK, writing nothing, while
 * another copy holds it (dry runs take no lock).  After the copy, a root
 * whose path no longer names the directory that was opened (the stage was
 * unmounted during the copy, and the copy went to the detached mount)
 * fails the copy with -ESTALE.
 */
STAGECP_API int stagecp_copy(struct stagecp_ctx *ctx,
			     const char *const *srcs, size_t nsrcs,
			     const char *dest);

/*
 * Run one ADD of local sources: as stagecp_copy(), except that a source
 * that is a regular file holding a tar archive (plain, or compressed with
 * gzip, bzip2, xz or zstd) is extracted into dest, a directory created
 * when missing, as BuildKit extracts it.  Entry names and the symlinks
 * they pass through are resolved inside dest, as if it were "/": nothing
 * is ever written outside it, and an entry or hard link whose name climbs
 * out with ".." is an error.  Entries keep the archive's owners (--chown
 * replaces them) and modes; --chmod does not apply to them.
 */
STAGECP_API int stagecp_add(struct stagecp_ctx *ctx,
			    const char *const *srcs, size_t nsrcs,
			    const char *dest);

/*
 * WORKDIR: make the directory path (relative to the context's workdir)
 * in the destination, as BuildKit's WORKDIR does: the missing directories
 * 0755, owned by the caller; existing ones are left as they are.  With
 * STAGECP_F_DRY_RUN, report a directory that would be made.  Returns 0 or
 * a negative errno (reported).
 */
STAGECP_API int stagecp_make_workdir(struct stagecp_ctx *ctx, const char *path);

/* Copy the totals so far into *st. */
STAGECP_API void stagecp_get_stats(const struct stagecp_ctx *ctx,
				   struct stagecp_stats *st);

/*
 * Copy the nanoseconds spent in each phase so far (summed over workers)
 * into ns[0..max-1], indexed by enum stagecp_phase; returns how many
 * phases this library knows (which may be more than max).  A getter of its
 * own rather than a field of struct stagecp_stats, whose size programs
 * built against an older header have compiled in.
 */
STAGECP_API size_t stagecp_get_phase_ns(const struct stagecp_ctx *ctx,
					uint64_t *ns, size_t max);

/* What the engine settled on for one pair of filesystems. */
struct stagecp_fs_pair {
	dev_t src_dev;		/* st_dev of the source filesystem */
	dev_t dst_dev;
	enum stagecp_method method;	/* the mover used last for the pair */
};

/*
 * Copy up to max pairs into out; returns how many pairs there are (which
 * may be more than max).
 */
STAGECP_API size_t stagecp_fs_pairs(const struct stagecp_ctx *ctx,
				    struct stagecp_fs_pair *out, size_t max);

/*
 * One Dockerfile COPY instruction, as stagecp_parse_copy_lines() reads it.
 * The strings belong to the list that holds it.
 */
struct stagecp_copy_line {
	unsigned int line;	/* where the instruction starts, from 1 */
	const char *from;	/* --from, or NULL */
	const char *chown;	/* --chown, or NULL */
	const char *chmod;	/* --chmod, or NULL */
	bool link;
	bool parents;
	const char *const *excludes;
	size_t nexcludes;
	const char *const *srcs;
	size_t nsrcs;
	const char *dest;
};

struct stagecp_copy_lines {
	struct stagecp_copy_line *v;
	size_t n;
	void *priv;		/* the engine's own copy */
};

/*
 * Parse Dockerfile text holding COPY instructions (comments, blank lines,
 * "\" continuations, the JSON array form).  Any other instruction is an
 * error naming its line.  Returns 0, or -EINVAL with BuildKit's message
 * ("line N: ...") in err, or -ENOMEM.  Free with stagecp_copy_lines_free().
 */
STAGECP_API int stagecp_parse_copy_lines(const char *text,
					 struct stagecp_copy_lines *out,
					 char *err, size_t errlen);
STAGECP_API void stagecp_copy_lines_free(struct stagecp_copy_lines *l);

/*
 * A whole Dockerfile, as `stagecp exec -f` runs it.  The text is read
 * with BuildKit's rules (parser directives, escape, continuations,
 * comments, JSON and shell forms, heredocs).  FROM IMAGE [AS NAME] starts
 * a stage, numbered from 0, NAME compared without case.  WORKDIR, ARG (the
 * global ones before the first FROM, and each stage's) and ENV are tracked
 * per stage as BuildKit tracks them, a stage FROM an earlier one starting
 * with its state; build arguments replace ARG defaults.  The COPY and ADD
 * instructions of the target stage get their sources, destination,
 * --chown and --chmod expanded ($V, ${V}, ${V:-w}, ${V:+w}, quotes,
 * escapes); --from and --exclude are kept as written.  RUN, CMD,
 * ENTRYPOINT, LABEL, EXPOSE, USER, HEALTHCHECK, SHELL, STOPSIGNAL, VOLUME,
 * ONBUILD and MAINTAINER are read and listed as skipped.  ADD of a URL or
 * a git repository is an error.  A heredoc source is handed over as its
 * name and text (expanded unless its name was quoted).
 *
 * A text without any FROM is read as stagecp_parse_copy_lines() reads it:
 * COPY instructions only, no stages (nstages is 0), no variables.
 *
 * Everything is owned by the struct stagecp_dockerfile: the library
 * allocates each element and hands out pointers, so later versions may add
 * fields at the end of these structs.
 */
enum stagecp_df_kind {
	STAGECP_DF_FROM = 0,	/* starts the stage */
	STAGECP_DF_ARG,		/* changes the stage's variables */
	STAGECP_DF_ENV,
	STAGECP_DF_WORKDIR,	/* changes where relative paths start */
	STAGECP_DF_COPY,	/* a copy to run */
	STAGECP_DF_ADD,		/* a copy to run; local archives extract */
	STAGECP_DF_SKIPPED,	/* RUN, CMD, ...: read, not run */
};

struct stagecp_df_stage {
	unsigned int index;	/* from 0 */
	unsigned int line;	/* its FROM line */
	const char *name;	/* lower case, or NULL */
	const char *base;	/* FROM's image, expanded */
	int base_stage;		/* the earlier stage it starts from, or -1 */
};

struct stagecp_df_instr {
	enum stagecp_df_kind kind;
	unsigned int line;	/* where it starts, from 1 */
	unsigned int end_line;	/* its last line, heredocs included */
	const char *keyword;	/* upper case: "COPY", "RUN", ... */
	const char *text;	/* as written, continuation lines joined */
	/* COPY, ADD, WORKDIR: the stage's WORKDIR then; NULL without FROM */
	const char *workdir;
	/* COPY, ADD: flags and arguments, expanded */
	struct stagecp_copy_line copy;
	int from_stage;		/* COPY --from: the stage it names, or -1 */
	bool unpack;		/* ADD: local tar archives are extracted */
	/*
	 * COPY, ADD: heredoc sources (COPY <<EOF /dest): files of these
	 * names holding these texts (0644 before --chmod), copied to
	 * copy.dest after copy.srcs, which may then be empty.
	 */
	const char *const *heredoc_names;
	const char *const *heredoc_contents;
	size_t nheredocs;
};

struct stagecp_dockerfile {
	const struct stagecp_df_stage *const *stages;
	size_t nstages;		/* 0: a text of COPY lines without FROM */
	size_t target;		/* the stage whose instructions follow */
	const struct stagecp_df_instr *const *instrs;	/* FROM first */
	size_t ninstrs;
	/* Build arguments that no ARG of the stages read declared. */
	const char *const *unused_build_args;
	size_t nunused_build_args;
};

/*
 * Parse text and evaluate its target stage: a stage name or index, or
 * NULL for the last one.  build_args are "KEY=VALUE" strings
 * (--build-arg).  Returns 0 and sets *out, or -EINVAL with the message in
 * err ("line N: ..." when a line is at fault), or -ENOMEM.  Free with
 * stagecp_dockerfile_free().
 */
STAGECP_API int stagecp_dockerfile_parse(const char *text, const char *target,
					 const char *const *build_args,
					 size_t nbuild_args,
					 struct stagecp_dockerfile **out,
					 char *err, size_t errlen);
/* NULL is allowed. */
STAGECP_API void stagecp_dockerfile_free(struct stagecp_dockerfile *df);

/*
 * Least privilege for a process that runs copies, such as the stagecp
 * command: keep only the capabilities copies with these options can use
 * (CAP_CHOWN for owners, CAP_FOWNER for modes and times on entries others
 * own, CAP_DAC_READ_SEARCH to read unreadable sources, CAP_MKNOD for
 * devices, CAP_SETFCAP for security.capability, CAP_SYS_ADMIN for trusted.*
 * xattrs), drop every other one from the effective, permitted and bounding
 * sets, and set PR_SET_NO_NEW_PRIVS.  It changes the calling thread (and
 * the threads it starts later): call it before starting any, and in a
 * builder's long-lived process only in a child, if at all.
 *
 * A capability the options require but the process lacks (CAP_CHOWN for a
 * --chown to ids other than the caller's) makes it fail with -EPERM before
 * anything is written; msg then names the capability.  Preserving source
 * owners without CAP_CHOWN is not an error: the copy keeps the caller's ids
 * and warns once, as cp -a does.  Returns 0 or a negative errno.
 */
STAGECP_API int stagecp_drop_capabilities(const struct stagecp_options *o,
					  char *msg, size_t msglen);

/*
 * When the source root is a mounted overlay: how it is read, either
 * "layers of the overlay mount ..." (its layer files, which clone) or
 * "through the overlay mount ... (why)".  NULL for other sources.  Valid
 * until stagecp_free().
 */
STAGECP_API const char *stagecp_source_description(
	const struct stagecp_ctx *ctx);

/*
 * A per-entry owner: called for each entry the copy writes, before its
 * owner is set, with *uid and *gid holding what the entry would get (the
 * source's, or --chown's).  src is the source's lstat, or NULL for a
 * directory the copy makes on the way to DEST (whose *uid and *gid are
 * then the caller's or --chown's).  The callback may change *uid and
 * *gid; a negative errno fails the entry with it.  Called from the
 * engine's workers, one call at a time.
 */
typedef int (*stagecp_owner_fn)(void *arg, const char *path,
				const struct stat *src, uid_t *uid,
				gid_t *gid);

/*
 * Install (or with fn NULL remove) the owner callback for the copies of
 * ctx.  With a callback, --strategy=hardlink links no file: the callback
 * may change any owner.
 */
STAGECP_API void stagecp_set_owner_fn(struct stagecp_ctx *ctx,
				      stagecp_owner_fn fn, void *arg);

/*
 * Include patterns (.dockerignore rules, relative to each copied source
 * directory): only the entries that match one, and what lies below them,
 * are copied, with the directories leading to them; --exclude patterns
 * still apply.  n 0 removes them.  Returns 0, -EINVAL for a malformed
 * pattern (reported through on_error) or -ENOMEM.
 */
STAGECP_API int stagecp_set_includes(struct stagecp_ctx *ctx,
				     const char *const *patterns, size_t n);

/*
 * The workdir a relative DEST starts at, inside the destination root: the
 * one given, or the default stagecp_options.workdir describes.  Valid until
 * stagecp_free().
 */
STAGECP_API const char *stagecp_workdir(const struct stagecp_ctx *ctx);

/* Close the roots and free the context.  NULL is allowed. */
STAGECP_API void stagecp_free(struct stagecp_ctx *ctx);

/* Static names: "clone", "copy_file_range", "read/write", "hardlink". */
STAGECP_API const char *stagecp_method_name(enum stagecp_method m);
/* Static names: "walk", "create", "data", "metadata", "wait". */
STAGECP_API const char *stagecp_phase_name(enum stagecp_phase p);
/* Static names: "create", "replace", "merge". */
STAGECP_API const char *stagecp_action_name(enum stagecp_action a);
/* Static names: "file", "dir", "symlink", "hardlink", "fifo", ... */
STAGECP_API const char *stagecp_entry_type_name(enum stagecp_entry_type t);

#ifdef __cplusplus
}
#endif

#endif /* STAGECP_H */
