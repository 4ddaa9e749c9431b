/* User-declared tensor specs (`--specs FILE.yml`). The file is a YAML map
 * from a tensor name to either a list of logical names (null for None) or
 * a map {spec: [...], keep: {dim: N, axis: NAME}} that also records which
 * dim must keep which mesh axis. */
#ifndef SHARDLINT_SPECS_H
#define SHARDLINT_SPECS_H

#include "shardlint/resolve.h"

int sl_specs_load(sl_arena *a, const char *path, sl_spec **out, size_t *n, sl_err *err);

#endif
