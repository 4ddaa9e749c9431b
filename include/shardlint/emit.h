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

/* A file written in two steps (see output.c): sl_output_prepare renders
 * the content and does all that can fail (space, permissions, a read-only
 * file); sl_output_commit puts it in place, sl_output_abort drops it. Both
 * free the pending file. `write` returns 0 on success. */
typedef struct sl_pending sl_pending;

int sl_output_prepare(const char *path, int (*write)(FILE *, void *), void *ctx,
                      sl_pending **out, sl_err *err);
int sl_output_commit(sl_pending *p, sl_err *err);
void sl_output_abort(sl_pending *p);

/* Both steps: the file is replaced whole or left as it was. A replaced
 * file keeps its mode, owner, group and hard links. */
int sl_output_atomic(const char *path, int (*write)(FILE *, void *), void *ctx, sl_err *err);

/* A file --fix wrote, and how many edits it took. */
typedef struct {
    const char *path;
    size_t nedits;
} sl_fixed_file;

/* Applies the preferred verified fix of each finding to the files it edits,
 * all of them or none: every file is prepared before the first is
 * replaced. A file outside `tree` (a real path; NULL: no limit) or
 * read-only is not edited. Inserted lines take the file's line ending
 * (CRLF or LF). Each file written is pushed onto `written`
 * (sl_fixed_file *). Returns 0, or -1 with err (nothing written). */
int sl_fix_write(sl_arena *a, const sl_findings *f, const char *tree, sl_vec *written,
                 sl_err *err);

#endif
