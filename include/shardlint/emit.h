/* Output formats. Each emitter writes to a FILE*; the CLI decides where that
 * goes (stdout, or a temporary file renamed into place). */
#ifndef SHARDLINT_EMIT_H
#define SHARDLINT_EMIT_H

#include <stdbool.h>
#include <stdio.h>

#include "shardlint/engine.h"
#include "shardlint/finding.h"
#include "shardlint/rule.h"

typedef struct {
    bool color;              /* ANSI colour (text only) */
    bool quiet;              /* text: the findings alone, no summary line */
    /* The repository root: SARIF URIs, GitHub annotations and fingerprints
     * name files relative to it (NULL: the working directory). */
    const char *root;
    const char *tool_version;
    /* The launches of the scripts checked, summed up at the end of the text
     * format; NULL or no scripts: no summary. */
    const sl_launch_summary *launches;
} sl_emit_opts;

void sl_emit_text(FILE *out, const sl_findings *f, const sl_emit_opts *o);
/* The machine formats also report the report's problems, each distinct
 * problem once: a run whose inputs could not be read still writes a whole
 * document that says so. */
void sl_emit_json(FILE *out, const sl_report *r, const sl_emit_opts *o);
void sl_emit_sarif(FILE *out, const sl_report *r, const sl_emit_opts *o);
void sl_emit_github(FILE *out, const sl_report *r, const sl_emit_opts *o);

/* Findings per level, indexed by sl_level. */
void sl_emit_count(const sl_findings *f, size_t counts[4]);

/* `shardlint resolve`: the mesh and every tensor. */
void sl_emit_resolve_text(FILE *out, const sl_lint_result *r);
void sl_emit_resolve_json(FILE *out, const sl_lint_result *r);

/* ---- files the run writes -------------------------------------------------- */

/* Writes to `path` through a temporary file renamed into place, so that a
 * failed run leaves no half-written output. `write` returns 0 on success. */
int sl_output_atomic(const char *path, int (*write)(FILE *, void *), void *ctx, sl_err *err);

/* A file --fix wrote, and how many edits it took. */
typedef struct {
    const char *path;
    size_t nedits;
} sl_fixed_file;

/* Applies the preferred verified fix of each finding to the files it edits;
 * each file written is pushed onto `written` (sl_fixed_file *). Returns 0,
 * or -1 with err at the first file that cannot be fixed. */
int sl_fix_write(sl_arena *a, const sl_findings *f, sl_vec *written, sl_err *err);

#endif
