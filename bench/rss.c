// SPDX-License-Identifier: MIT
/*
 * rss: run a command, then record its wall time and peak RSS.
 *
 *   rss OUTFILE CMD [ARG...]
 *
 * Writes "WALL_NS MAXRSS_KIB EXIT" to OUTFILE and exits with the command's
 * status.  The peak RSS is wait4's ru_maxrss: the largest of the command
 * and any descendant it waited for (for `sh -c 'a | b'`, the larger of a
 * and b), which is what GNU time reports too, without needing it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	long long wall;
	int status, code;
	FILE *out;
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: rss OUTFILE CMD [ARG...]\n");
		return 2;
	}
	out = fopen(argv[1], "we");
	if (!out) {
		fprintf(stderr, "rss: %s: open: %s\n", argv[1],
			strerror(errno));
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "rss: fork: %s\n", strerror(errno));
		return 2;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		fprintf(stderr, "rss: %s: exec: %s\n", argv[2],
			strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "rss: wait4: %s\n", strerror(errno));
			return 2;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	wall = (t1.tv_sec - t0.tv_sec) * 1000000000LL +
	       (t1.tv_nsec - t0.tv_nsec);
	code = WIFEXITED(status) ? WEXITSTATUS(status)
				 : 128 + WTERMSIG(status);
	fprintf(out, "%lld %ld %d\n", wall, ru.ru_maxrss, code);
	if (fclose(out) != 0) {
		fprintf(stderr, "rss: %s: write: %s\n", argv[1],
			strerror(errno));
		return 2;
	}
	return code;
}
