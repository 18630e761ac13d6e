/* SPDX-License-Identifier: MIT */
/*
 * Flags that any worker may learn and all of them read: what the kernel
 * has answered once (openat2 missing, a ring refusing an operation), set
 * without the context's lock.  A relaxed atomic is enough: a worker that
 * reads a stale false only tries the refused call once more.
 */
#ifndef STAGECP_FLAG_H
#define STAGECP_FLAG_H

#include <stdbool.h>

static inline bool flag_get(const bool *flag)
{
	return __atomic_load_n(flag, __ATOMIC_RELAXED);
}

static inline void flag_set(bool *flag)
{
	__atomic_store_n(flag, true, __ATOMIC_RELAXED);
}

#endif
