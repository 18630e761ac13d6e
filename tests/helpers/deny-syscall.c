// SPDX-License-Identifier: MIT
/*
 * deny-syscall ERRNO NAME[,NAME...] -- COMMAND [ARG...]
 *
 * Run COMMAND under a seccomp filter that fails the named system calls
 * with ERRNO (a number, or EPERM, ENOSYS, EACCES), as a container
 * runtime's profile does.  Everything else is allowed.  Exit status 125
 * when the filter cannot be set up, else COMMAND's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <seccomp.h>

static int errno_named(const char *s)
{
	static const struct { const char *name; int err; } names[] = {
		{ "EPERM", EPERM }, { "ENOSYS", ENOSYS },
		{ "EACCES", EACCES }, { "EINVAL", EINVAL },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i].name))
			return names[i].err;
	return atoi(s);
}

int main(int argc, char **argv)
{
	scmp_filter_ctx ctx;
	char *list, *save = NULL;
	int err, r = 0;

	if (argc < 5 || strcmp(argv[3], "--")) {
		fprintf(stderr, "usage: deny-syscall ERRNO NAME[,NAME...] -- "
			"COMMAND [ARG...]\n");
		return 125;
	}
	err = errno_named(argv[1]);
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	list = strdup(argv[2]);
	if (!ctx || !list || err <= 0) {
		fprintf(stderr, "deny-syscall: bad arguments\n");
		return 125;
	}
	for (char *n = strtok_r(list, ",", &save); n && r == 0;
	     n = strtok_r(NULL, ",", &save)) {
		int nr = seccomp_syscall_resolve_name(n);

		r = nr == __NR_SCMP_ERROR ? -EINVAL
			: seccomp_rule_add(ctx, SCMP_ACT_ERRNO(err), nr, 0);
		if (r < 0)
			fprintf(stderr, "deny-syscall: %s: %s\n", n,
				strerror(-r));
	}
	if (r == 0)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	free(list);
	if (r < 0) {
		fprintf(stderr, "deny-syscall: seccomp: %s\n", strerror(-r));
		return 125;
	}
	execvp(argv[4], argv + 4);
	fprintf(stderr, "deny-syscall: %s: %s\n", argv[4], strerror(errno));
	return 125;
}
