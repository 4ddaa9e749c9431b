/* Findings: what rules report, in one shape every emitter reads. */
#ifndef SHARDLINT_FINDING_H
#define SHARDLINT_FINDING_H

#include <stdbool.h>
#include <stddef.h>

#include "shardlint/config.h"
#include "shardlint/model.h"
#include "shardlint/util.h"

typedef enum { SL_LEVEL_NONE, SL_LEVEL_NOTE, SL_LEVEL_WARNING, SL_LEVEL_ERROR } sl_level;

typedef struct {
    sl_loc loc;
    const char *message;
} sl_related;

/* One text edit: replace [loc, end) of loc.file with `text` (end == loc
 * inserts). */
typedef struct {
    sl_loc loc;
    sl_loc end;
    const char *text;
} sl_edit;

/* What a fix changes, for the engine to lint again: overrides added to the
 * scenario (or, `drop`, the scenario's own overrides of those keys removed),
 * logical names renamed at catalog sites or scanned specs, and misspelt
 * config keys or mesh axes renamed. */
typedef struct {
    const sl_override *extra;
    size_t nextra;
    const sl_spec_patch *patches;
    size_t npatches;
    const sl_rename *renames;        /* config keys */
    size_t nrenames;
    const sl_rename *axis_renames;   /* mesh axes in the rules and data_sharding */
    size_t naxis_renames;
    const char *const *drop;
    size_t ndrop;
} sl_fix_change;

typedef struct {
    const char *description;   /* what the fix does, in words */
    sl_edit *edits;
    size_t nedits;
    const char *override;      /* the same fix as a `key=value` word, or NULL */
    bool verified;             /* the patched config was linted again */
    bool removes;              /* ...and this finding was gone */
    const char *verify_note;   /* what the re-lint found, in words */
    bool preferred;
    bool verify;               /* the engine lints `change` once every rule has run */
    sl_fix_change change;
} sl_fix;

struct sl_rule_def;

typedef struct {
    const struct sl_rule_def *rule;
    sl_level level;
    sl_loc loc;
    const char *message;       /* one line */
    const char **notes;        /* why / consequence / help, one per line */
    size_t nnotes;
    sl_related *related;
    size_t nrelated;
    sl_fix *fixes;
    size_t nfixes;
    const char *loc_label;     /* what loc is, for when a launch moves the finding
                                  to its own word ("the rule that takes 'expert'") */
    const char *key;           /* stable identity (for fingerprints, dedup) */
    const char *scenario;      /* e.g. "expert-parallel probe", or NULL */
    bool stays;                /* the cause is in the tree's files and model code, none
                                  of it in a launch: reported where it is, once for
                                  every target that has it, not at each launch */
} sl_finding;

typedef struct {
    sl_finding **items;
    size_t n, cap;
} sl_findings;

sl_finding *sl_findings_add(sl_arena *a, sl_findings *f, const struct sl_rule_def *rule,
                            sl_level level, sl_loc loc, const char *message);
/* Appends an existing finding (from another run). */
void sl_findings_push(sl_arena *a, sl_findings *f, sl_finding *x);
void sl_finding_note(sl_arena *a, sl_finding *f, const char *note);
void sl_finding_related(sl_arena *a, sl_finding *f, sl_loc loc, const char *message);
sl_fix *sl_finding_fix(sl_arena *a, sl_finding *f, const char *description);
void sl_fix_edit(sl_arena *a, sl_fix *fix, sl_loc loc, sl_loc end, const char *text);
/* Asks the engine to verify the fix: lint the scenario again with `change`
 * applied (copied), once every rule has reported. */
void sl_fix_verify_with(sl_arena *a, sl_fix *fix, const sl_fix_change *change);
/* A deep copy in another arena: a finding outlives its target's scratch
 * memory this way. */
sl_finding *sl_finding_copy(sl_arena *a, const sl_finding *f);

/* The finding with this key, or NULL. */
const sl_finding *sl_findings_find_key(const sl_findings *f, const char *key);
/* The keys of the findings, for repeated sl_findings_find_key questions. */
void sl_findings_index(sl_arena *a, const sl_findings *f, sl_strmap *keys);

/* Sorted by file, line, column, rule id: the order every emitter prints. */
void sl_findings_sort(sl_findings *f);

const char *sl_level_name(sl_level l);
int sl_level_parse(const char *s, sl_level *out);

#endif
