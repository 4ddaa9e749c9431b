/* What the machine formats share: JSON pieces, file names from the
 * repository root, fingerprints, and the report's distinct problems. */
#ifndef SHARDLINT_EMIT_INTERNAL_H
#define SHARDLINT_EMIT_INTERNAL_H

#include <cjson/cJSON.h>

#include "shardlint/emit.h"

cJSON *sl_json_str_or_null(const char *s);
/* {"file","line","column"}, {"command_line_word"} or null. */
cJSON *sl_json_loc(sl_loc l);
/* Prints the document, every string made valid UTF-8 first (a byte that
 * is not, as in a file name from a Latin-1 system, becomes U+FFFD), and
 * deletes it. */
void sl_json_write(FILE *out, cJSON *doc);

/* A file as the report names it for others: relative to the root when it
 * is inside (lexically, or once symlinks are resolved), else absolute. */
const char *sl_emit_path(sl_arena *a, const char *file, const char *root);

/* The next place at or after `start` in s where a location text (such as
 * "configs/base.yml:88:5") stands on its own: not the tail of a longer path,
 * not followed by more digits. NULL when there is none. */
const char *sl_emit_find_loc(const char *s, const char *start, const char *loc);

/* A result's identity across runs, for code scanning to match alerts:
 * FNV-1a 64 of the rule id, the finding's key, and the file (from the root)
 * of each of its locations, as 16 hex digits, then ":N" for the Nth result
 * of the log with those digits (two launches of one script with the same
 * problem stay two alerts). No line number enters it, and no working
 * directory. One `sl_fingerprints` per log, results in the log's order. */
typedef struct {
    sl_arena *a;
    const char *root;
    sl_strmap seen;
} sl_fingerprints;

const char *sl_fingerprint_finding(sl_fingerprints *fp, const sl_finding *f);
/* An input error's identity: SL900, its message and its file. */
const char *sl_fingerprint_problem(sl_fingerprints *fp, const sl_problem *p);

/* The report's problems, each distinct one (level, location, message)
 * once, in the order met: five launches of one missing config are one
 * problem. Returns the count. */
size_t sl_emit_problems(sl_arena *a, const sl_report *r, const sl_problem ***out);

/* ---- SARIF messages ---------------------------------------------------- */

/* A result's message: what is wrong; what to do (the preferred fix, whether
 * it was verified, the command-line word and the edits in a form a reviewer
 * can paste); the locations involved as links to the result's related
 * locations (related location i has id i; one without a file is written
 * out, as it cannot be linked); then the notes. */
typedef struct {
    const char *text;
    const char *markdown;
} sl_sarif_message;

sl_sarif_message sl_sarif_finding_message(sl_arena *a, const sl_finding *f, const char *root);
/* An input error's: the problem, and that nothing depending on it was linted. */
sl_sarif_message sl_sarif_problem_message(sl_arena *a, const sl_problem *p);

#endif
