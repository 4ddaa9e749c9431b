/* Output formats. Each emitter writes to a FILE*; the CLI decides where that
 * goes (stdout, or a temporary file renamed into place). */
#ifndef SHARDLINT_EMIT_H
#define SHARDLINT_EMIT_H

#include <stdbool.h>
#include <stdio.h>

#include "shardlint/finding.h"
#include "shardlint/lint.h"

typedef struct {
    bool color;              /* ANSI colour (text only) */
    const char *base_dir;    /* URIs in SARIF are relative to this */
    const char *tool_version;
} sl_emit_opts;

void sl_emit_text(FILE *out, const sl_findings *f, const sl_emit_opts *o);
void sl_emit_json(FILE *out, const sl_findings *f, const sl_emit_opts *o);
void sl_emit_sarif(FILE *out, const sl_findings *f, const sl_emit_opts *o);
void sl_emit_github(FILE *out, const sl_findings *f, const sl_emit_opts *o);

/* `shardlint resolve`: the mesh and every tensor. */
void sl_emit_resolve_text(FILE *out, const sl_lint_result *r);
void sl_emit_resolve_json(FILE *out, const sl_lint_result *r);

#endif
