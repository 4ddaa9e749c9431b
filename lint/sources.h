/* Model code scanned for tensor specs, shared by every target of a run. */
#ifndef SHARDLINT_SOURCES_H
#define SHARDLINT_SOURCES_H

#include "cli_opts.h"
#include "shardlint/arena.h"
#include "targets.h"

typedef struct {
    const char *dir;
    sl_vec sites;             /* sl_py_site * */
} sl_source_dir;

typedef struct {
    sl_vec dirs;              /* sl_source_dir *, scanned once each */
} sl_sources;

/* Scans every --source directory. */
int sl_sources_scan(sl_arena *a, const sl_cli_opts *o, sl_sources *s, FILE *err);

/* Gives a target's scenario its specs: --specs, then the scanned sites (from
 * --source, else from the checkout its config is in). A scanned site that is
 * a catalog site gives that site its location instead. */
void sl_sources_apply(sl_arena *a, sl_sources *s, sl_target *t, const sl_cli_opts *o);

#endif
