// SPDX-License-Identifier: MIT
/* COPY --chown parsing and name lookup (see owner.h). */
#include "semantics/owner.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#define PASSWD_PATH "/etc/passwd"
#define GROUP_PATH "/etc/group"
/* A line longer than the 10 MiB BuildKit accepts for the whole file. */
#define ENTRY_BUF_MAX (16u << 20)

/* Go's strconv.ParseInt(s, 10, 32): optional sign, digits only. */
static bool parse_int32(const char *s, int64_t *out)
{
	bool neg = false;
	int64_t v = 0;

	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
		if (v > (int64_t)INT32_MAX + 1)
			return false;
	}
	if (neg)
		v = -v;
	if (v > INT32_MAX)
		return false;
	*out = v;
	return true;
}

/* BuildKit's parseUID, then "an empty name is id 0" from UserOpt.marshal. */
static void parse_part(char *s, struct owner_id *id)
{
	int64_t v;

	id->name = NULL;
	id->id = 0;
	if (!strcmp(s, "root") || !*s)
		return;
	if (parse_int32(s, &v))
		id->id = (uint32_t)v;	/* negative ids wrap, as in Go */
	else
		id->name = s;
}

int owner_parse(const char *value, struct owner_spec *spec, char *errbuf,
		size_t errlen)
{
	char *colon;

	memset(spec, 0, sizeof(*spec));
	if (!value || !*value) {
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "empty --chown value");
		return -EINVAL;
	}
	spec->buf = strdup(value);
	if (!spec->buf)
		return -ENOMEM;
	colon = strchr(spec->buf, ':');
	if (colon) {
		*colon = '\0';
		spec->has_group = true;
		parse_part(colon + 1, &spec->group);
	}
	parse_part(spec->buf, &spec->user);
	return 0;
}

void owner_spec_free(struct owner_spec *spec)
{
	free(spec->buf);
	memset(spec, 0, sizeof(*spec));
}

bool owner_needs_passwd(const struct owner_spec *spec)
{
	return spec->user.name != NULL;
}

bool owner_needs_group(const struct owner_spec *spec)
{
	return spec->has_group && spec->group.name != NULL;
}

/* Find name in a passwd stream: 1 found, 0 not there, or -errno. */
static int find_user(FILE *f, const char *name, uid_t *uid, gid_t *gid)
{
	size_t len = 1024;
	char *buf = NULL;
	int r;

	rewind(f);
	for (;;) {
		struct passwd pw, *res;
		char *nbuf;

		if (!buf) {
			buf = malloc(len);
			if (!buf)
				return -ENOMEM;
		}
		r = fgetpwent_r(f, &pw, buf, len, &res);
		if (r == ERANGE && len < ENTRY_BUF_MAX) {
			/* libc rewound to the line: read it again, bigger. */
			len *= 2;
			nbuf = realloc(buf, len);
			if (!nbuf) {
				r = -ENOMEM;
				break;
			}
			buf = nbuf;
			continue;
		}
		if (r == ENOENT) {
			r = 0;
			break;
		}
		if (r) {
			r = -r;
			break;
		}
		if (!strcmp(pw.pw_name, name)) {
			*uid = pw.pw_uid;
			*gid = pw.pw_gid;
			r = 1;
			break;
		}
	}
	free(buf);
	return r;
}

/* Find name in a group stream: 1 found, 0 not there, or -errno. */
static int find_group(FILE *f, const char *name, gid_t *gid)
{
	size_t len = 1024;
	char *buf = NULL;
	int r;

	rewind(f);
	for (;;) {
		struct group gr, *res;
		char *nbuf;

		if (!buf) {
			buf = malloc(len);
			if (!buf)
				return -ENOMEM;
		}
		r = fgetgrent_r(f, &gr, buf, len, &res);
		if (r == ERANGE && len < ENTRY_BUF_MAX) {
			len *= 2;
			nbuf = realloc(buf, len);
			if (!nbuf) {
				r = -ENOMEM;
				break;
			}
			buf = nbuf;
			continue;
		}
		if (r == ENOENT) {
			r = 0;
			break;
		}
		if (r) {
			r = -r;
			break;
		}
		if (!strcmp(gr.gr_name, name)) {
			*gid = gr.gr_gid;
			r = 1;
			break;
		}
	}
	free(buf);
	return r;
}

static int lookup_failed(int r, const char *kind, const char *name,
			 const char *path, char *errbuf, size_t errlen)
{
	if (!errbuf || !errlen)
		return r ? r : -EINVAL;
	if (r == 0)
		snprintf(errbuf, errlen, "unknown %s \"%s\" in %s", kind, name,
			 path);
	else
		snprintf(errbuf, errlen, "reading %s: %s", path, strerror(-r));
	return r ? r : -EINVAL;
}

int owner_resolve(const struct owner_spec *spec, FILE *passwd, FILE *group,
		  uid_t *uid, gid_t *gid, char *errbuf, size_t errlen)
{
	uid_t u = 0;
	gid_t g = 0;
	int r;

	if (spec->user.name) {
		if (!passwd) {
			if (errbuf && errlen)
				snprintf(errbuf, errlen, "cannot look up user "
					 "\"%s\": %s is missing",
					 spec->user.name, PASSWD_PATH);
			return -ENOENT;
		}
		r = find_user(passwd, spec->user.name, &u, &g);
		if (r <= 0)
			return lookup_failed(r, "user", spec->user.name,
					     PASSWD_PATH, errbuf, errlen);
	} else {
		/* A numeric user alone also names the group. */
		u = spec->user.id;
		g = spec->user.id;
	}
	if (spec->has_group && spec->group.name) {
		if (!group) {
			if (errbuf && errlen)
				snprintf(errbuf, errlen, "cannot look up group "
					 "\"%s\": %s is missing",
					 spec->group.name, GROUP_PATH);
			return -ENOENT;
		}
		r = find_group(group, spec->group.name, &g);
		if (r <= 0)
			return lookup_failed(r, "group", spec->group.name,
					     GROUP_PATH, errbuf, errlen);
	} else if (spec->has_group) {
		g = spec->group.id;
	}
	*uid = u;
	*gid = g;
	return 0;
}
