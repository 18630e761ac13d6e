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

/*
 * Find name in a passwd stream (group false: ids are the uid and the
 * primary gid) or a group stream (ids are the gid twice): 1 found, 0 not
 * there, or -errno.
 */
static int find_entry(FILE *f, bool group, const char *name, uint32_t ids[2])
{
	size_t len = 1024;
	char *buf = NULL;
	int r;

	rewind(f);
	for (;;) {
		union {
			struct passwd pw;
			struct group gr;
		} e;
		struct passwd *pw_res;
		struct group *gr_res;
		char *nbuf;

		if (!buf) {
			buf = malloc(len);
			if (!buf)
				return -ENOMEM;
		}
		r = group ? fgetgrent_r(f, &e.gr, buf, len, &gr_res)
			  : fgetpwent_r(f, &e.pw, buf, len, &pw_res);
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
		if (!strcmp(group ? e.gr.gr_name : e.pw.pw_name, name)) {
			ids[0] = group ? e.gr.gr_gid : e.pw.pw_uid;
			ids[1] = group ? e.gr.gr_gid : e.pw.pw_gid;
			r = 1;
			break;
		}
	}
	free(buf);
	return r;
}

/* Look name up in f (the file at path, NULL when missing): 0 or -errno,
 * with the text in errbuf. */
static int lookup(FILE *f, bool group, const char *name, uint32_t ids[2],
		  char *errbuf, size_t errlen)
{
	const char *kind = group ? "group" : "user";
	const char *path = group ? GROUP_PATH : PASSWD_PATH;
	int r;

	if (!f) {
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "cannot look up %s \"%s\": "
				 "%s is missing", kind, name, path);
		return -ENOENT;
	}
	r = find_entry(f, group, name, ids);
	if (r > 0)
		return 0;
	if (errbuf && errlen && r == 0)
		snprintf(errbuf, errlen, "unknown %s \"%s\" in %s", kind, name,
			 path);
	else if (errbuf && errlen)
		snprintf(errbuf, errlen, "reading %s: %s", path, strerror(-r));
	return r ? r : -EINVAL;
}

int owner_resolve(const struct owner_spec *spec, FILE *passwd, FILE *group,
		  uid_t *uid, gid_t *gid, char *errbuf, size_t errlen)
{
	/* A numeric user alone also names the group. */
	uint32_t user[2] = { spec->user.id, spec->user.id }, grp[2];
	int r;

	if (spec->user.name) {
		r = lookup(passwd, false, spec->user.name, user, errbuf,
			   errlen);
		if (r < 0)
			return r;
	}
	if (spec->has_group && spec->group.name) {
		r = lookup(group, true, spec->group.name, grp, errbuf, errlen);
		if (r < 0)
			return r;
		user[1] = grp[0];
	} else if (spec->has_group) {
		user[1] = spec->group.id;
	}
	*uid = user[0];
	*gid = user[1];
	return 0;
}
