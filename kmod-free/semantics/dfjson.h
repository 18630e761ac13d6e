/* SPDX-License-Identifier: MIT */
/*
 * The JSON form of Dockerfile instructions (COPY ["a", "b"]): a JSON
 * array read as Go's encoding/json reads it.  Bytes that are not UTF-8
 * become U+FFFD; \uXXXX escapes and surrogate pairs are decoded.
 */
#ifndef STAGECP_DFJSON_H
#define STAGECP_DFJSON_H

#include <stdbool.h>
#include <stddef.h>

#include "semantics/strbuf.h"

/*
 * s[0..n) starts with '['.  1: a valid JSON array, its strings in out
 * (*other set when some element is not a string, *nul when a string held
 * \u0000).  0: not valid JSON, so the caller reads words instead.
 * -ENOMEM.
 */
int df_json_array(const char *s, size_t n, struct strv *out, bool *other,
		  bool *nul);

#endif /* STAGECP_DFJSON_H */
