/* Lint rules: one file each under rules/, listed in one registry. A rule id
 * never changes meaning. */
#ifndef SHARDLINT_RULE_H
#define SHARDLINT_RULE_H

#include <stddef.h>

#include "shardlint/finding.h"
#include "shardlint/lint.h"

typedef struct sl_rule_def {
    const char *id;          /* "SL001" */
    const char *name;        /* "mesh-axis-conflict" */
    const char *summary;     /* one sentence */
    const char *doc;         /* Markdown: what, why, how to fix, example */
    sl_level level;          /* default level */
    const char *tags[4];     /* NULL-terminated */
    void (*check)(const sl_lint_ctx *ctx, sl_findings *out);
} sl_rule_def;

extern const sl_rule_def sl_rule_sl001, sl_rule_sl002, sl_rule_sl003, sl_rule_sl004;

extern const sl_rule_def *const sl_rule_registry[];
extern const size_t sl_rule_count;

const sl_rule_def *sl_rule_find(const char *id_or_name);

#endif
