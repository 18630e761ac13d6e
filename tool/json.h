/* SPDX-License-Identifier: MIT */
/* A small JSON writer for --json: strings are escaped losslessly. */
#ifndef STAGECP_TOOL_JSON_H
#define STAGECP_TOOL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct json {
	FILE *f;
	bool first;		/* no member written yet at this level */
};

void json_begin(struct json *j, FILE *f);
void json_end(struct json *j);
void json_key_object(struct json *j, const char *key);
void json_key_array(struct json *j, const char *key);
void json_object_in_array(struct json *j);
void json_close_object(struct json *j);
void json_close_array(struct json *j);
void json_str(struct json *j, const char *key, const char *val);
void json_u64(struct json *j, const char *key, uint64_t val);
void json_double(struct json *j, const char *key, double val);
void json_bool(struct json *j, const char *key, bool val);
void json_null(struct json *j, const char *key);
/* An array element. */
void json_str_elem(struct json *j, const char *val);

/*
 * Write s as a JSON string.  Valid UTF-8 passes through; a byte that is
 * not part of valid UTF-8 is written as \udcXX (XX its value), the
 * surrogate escape Python uses, so every byte string round-trips.
 */
void json_write_string(FILE *f, const char *s);

#endif
