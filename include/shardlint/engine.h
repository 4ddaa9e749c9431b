/* The engine: a session that owns what the targets of a run (or of an
 * editor's lifetime) share, and lints scenarios through config -> mesh ->
 * specs -> resolution -> rules -> findings.
 *
 * The session keeps parsed YAML files by path (parsed again when their
 * content changes), each entry's merged base_config chain, and the scanned
 * model code of each source folder with its catalog matches. A target lints
 * in scratch memory of its own, released when it ends; only its findings
 * move to the session. */
#ifndef SHARDLINT_ENGINE_H
#define SHARDLINT_ENGINE_H

#include <stdbool.h>
#include <stddef.h>

#include "shardlint/finding.h"
#include "shardlint/model.h"
#include "shardlint/scan.h"

/* The catalog site a scanned site is: same file (the scanned path ends with
 * the catalog's file at a path boundary), same def (a catalog method's class
 * aside), same number of dims, and either the variable the catalog names
 * (self. dropped; for a call argument, the name its result is assigned to),
 * whatever the logical names (the tree's code wins), or, without a named
 * variable, the same names. Closest names, then the most conditions shared
 * with the code's guards, decide between candidates. NULL when none. */
const sl_site *sl_catalog_match(const sl_py_site *s, const sl_site *catalog, size_t n);

/* ---- one lint run ------------------------------------------------------------ */

typedef struct {
    const char *entry;             /* entry config path */
    const sl_override *ov;
    size_t nov;
    sl_devices devices;            /* per slice, and what says so; count 0: as the
                                      config implies */
    long long slices;              /* 0: from num_slices, else 1 */
    const sl_spec *specs;          /* user and scanned specs */
    size_t nspecs;
    const sl_site_loc *site_locs;
    size_t nsite_locs;
    const sl_spec_patch *patches;
    size_t npatches;
    const sl_rename *renames;  /* config keys read under another name (a fix's) */
    size_t nrenames;
    const sl_rename *axis_renames; /* mesh axes of the rules read under another name */
    size_t naxis_renames;
    const char *probe;             /* name of a probe scenario, or NULL */
    /* Identities of findings a check already reported (finding_identity): a
     * copy of one is dropped, so its fixes are not verified again. */
    const sl_strmap *reported;
    bool verify_fixes;             /* off inside a fix's own re-lint */
    const sl_tree *tree;           /* the checkout the entry is in, or NULL */
} sl_scenario;

/* A scanned spec a run does not lint, and why: a condition the code states
 * for it does not hold (eval), or a reason in words (an index array; a
 * catalog site the tree's code does not have). */
typedef struct {
    const sl_spec *spec;
    sl_cond_eval eval;             /* eval.cond NULL when reason says why */
    const char *reason;
} sl_spec_skipped;

/* Why, in words: "`cp > 1` (layers/moe.py:2903:12) does not hold: mesh axis
 * 'context_autoregressive' has size 1". */
const char *sl_spec_skipped_why(sl_arena *a, const sl_spec_skipped *k);

typedef struct {
    sl_config config;
    sl_mesh mesh;
    bool mesh_ok;
    sl_mesh_error mesh_error;
    sl_resolved *tensors;
    size_t ntensors;
    sl_spec_skipped *skipped;
    size_t nskipped;
    sl_findings findings;
} sl_lint_result;

typedef struct sl_session sl_session;

sl_session *sl_session_new(void);
void sl_session_free(sl_session *s);

/* Text that stands for a file's content, whatever is on disk: an editor's
 * unsaved buffer, or standard input read as a named file. The text is
 * copied; text NULL removes the overlay. Paths are compared by their real
 * path when the file exists, else by their absolute form. */
void sl_session_set_text(sl_session *s, const char *path, const char *text, size_t len);

/* The MaxText checkout a file or folder is in (the nearest ancestor holding
 * src/maxtext/configs/base.yml, src/MaxText/configs/base.yml or
 * MaxText/configs/base.yml), read once per session; NULL when none. */
const sl_tree *sl_session_tree(sl_session *s, const char *path);

/* Frees the parsed files and chains that reloads replaced. A lint result
 * points into the files it was built from, so call this only when no
 * sl_lint_result of the session is in use; reports hold copies and stay
 * valid. A long-lived session (an editor's) calls it after each round of
 * checks, or its memory grows with every edit. */
void sl_session_trim(sl_session *s);

/* The bytes the session's parsed files and chains hold, and the budget past
 * which the least recently used are dropped between targets (default
 * SL_SESSION_CACHE_BYTES). */
size_t sl_session_cache_bytes(const sl_session *s);
void sl_session_set_cache_budget(sl_session *s, size_t bytes);

/* Loads, resolves and runs every rule, then verifies the fixes the rules
 * offered. Everything is allocated in `a` (the target's scratch arena);
 * parsed files come from the session. -1 with err on input errors. */
int sl_lint_run(sl_session *s, sl_arena *a, const sl_scenario *sc, sl_lint_result *out,
                sl_err *err);

/* The specs of a run: live ones and skipped ones. */
typedef struct {
    const sl_spec **live;
    size_t nlive;
    sl_spec_skipped *skipped;
    size_t nskipped;
} sl_spec_set;

/* The live tensor specs of a config on a mesh: catalog sites whose
 * conditions hold (and that the tree's code, when scanned, has), then the
 * scenario's own specs that name a logical axis the config's rules know and
 * whose conditions hold. */
void sl_lint_specs(sl_session *s, sl_arena *a, const sl_scenario *sc, const sl_config *c,
                   const sl_mesh *m, sl_spec_set *out);

/* Latent mode: a MoE config (num_experts > 1) whose expert axis has size 1
 * is linted again under an expert-parallel probe (expert axis = every device
 * of a slice). What only the probe finds is added to `out` at level note,
 * with the probe named. */
void sl_lint_probe_expert(sl_session *s, sl_arena *a, const sl_scenario *sc,
                          const sl_lint_result *r, sl_findings *out);

/* ---- a whole check: paths -> targets -> findings --------------------------- */

/* Settings for one file a target comes from, or one file a walk meets
 * (path_settings below). Zeroed: nothing to say. */
typedef struct {
    bool exclude;                  /* left out of walks, and of named files with entries_only */
    long long devices;             /* 0: the check's devices; else overrides them */
    long long slices;              /* 0: the check's slices */
} sl_path_settings;

typedef struct {
    const char *const *paths;      /* configs, model files, scripts, directories */
    size_t npaths;
    const sl_override *ov;         /* command-line overrides, after a target's own */
    size_t nov;
    long long devices;             /* 0: not given */
    long long slices;              /* 0: not given */
    const sl_spec *specs;          /* --specs */
    size_t nspecs;
    const char *const *sources;    /* --source folders; none: the checkout's own */
    size_t nsources;
    bool latent;
    bool verify_fixes;
    /* Keep each scanned folder's Python scan between runs, in the git
     * directory of the repository it is in (nothing a checkout contains can
     * write there), and use it for files that have not changed. */
    bool cache;
    /* A named path is linted only when a directory walk would lint it (an
     * entry config: base.yml with MaxText's keys, a models/ file, a file
     * with base_config; a launch script), and an excluded one is not: an
     * editor names every YAML file it opens, pre-commit every file a commit
     * touches. The others, and named files that do not exist, are listed in
     * the report's `skipped`, not errors. */
    bool entries_only;
    /* The tree the run may read, as a real path: files a config or launch
     * reaches outside it (base_config, model file, custom_mesh_and_rule, a
     * launch's config) are refused with an error naming them. NULL, or
     * allow_outside_root, lifts the limit. */
    const char *root;
    bool allow_outside_root;
    /* Which rules are on; NULL: every rule. A suppression comment naming a
     * rule that is off is never reported as unused. */
    bool (*keep_rule)(const struct sl_rule_def *rule, void *ctx);
    /* Which findings are kept, knowing where they are and which file their
     * target came from (the named or walked config, model file or launch
     * script); NULL keeps all. Asked after keep_rule. */
    bool (*keep_finding)(const sl_finding *f, const char *target_path, void *ctx);
    /* What a configuration file says about one path; NULL: nothing. */
    void (*path_settings)(const char *path, void *ctx, sl_path_settings *out);
    void *keep_ctx;                /* passed to each of the callbacks */
} sl_check_opts;

/* Something about the inputs, not a finding of a rule: an input that could
 * not be linted (error), or a part of one that was left out (warning). */
typedef struct {
    sl_level level;
    sl_loc loc;
    const char *message;
} sl_problem;

/* The launch scripts of a check: how many launches they hold, and which
 * could not be linted and why (sl_problem *, at the launch's python word). */
typedef struct {
    size_t nscripts;
    size_t nlaunches;
    sl_vec unread;
} sl_launch_summary;

/* What a check found, in memory of its own (sl_report_free releases it). */
typedef struct {
    sl_arena *arena;
    sl_findings findings;          /* each once, in the order found */
    sl_vec problems;               /* sl_problem *, in the order met */
    size_t nerrors;                /* problems at level error */
    size_t ntargets;
    size_t nfailed;                /* targets that did not load */
    /* Every file the check read (configs, model files, scripts; not the
     * scanned model code), each once as the engine named it: what a later
     * check must redo when one of them changes. */
    sl_vec files;                  /* const char * */
    sl_strmap files_at;
    sl_vec skipped;                /* sl_skipped *: named files not linted, excluded files */
    sl_launch_summary launches;
} sl_report;

/* A file the check left out, and why in words. */
typedef struct {
    const char *path;
    const char *reason;
} sl_skipped;

void sl_report_free(sl_report *r);

/* Lints every target the paths name, then applies suppression comments:
 * `# shardlint: disable=ID` on any line of the statement at a finding's
 * location or at one of its related locations, or on the line above it;
 * `# shardlint: disable-next-line=ID` on the line above;
 * `# shardlint: disable-file=ID` anywhere in one of those files (as the
 * session reads them: an unsaved buffer counts). A suppression in a file a
 * target came from that drops nothing is reported as SL902
 * unused-suppression. A target that cannot be linted is an error of the
 * report and the others are still linted. Returns 0; -1 when no target
 * could be collected at all (the errors say why). */
int sl_session_check(sl_session *s, const sl_check_opts *o, sl_report *out);

/* Each target the paths name, linted without fix verification, handed to
 * fn with its label ("the launch at run.sh:12:1") before its scratch memory
 * is released. Targets that cannot be linted are problems of the report. */
typedef void (*sl_target_fn)(void *ctx, const char *label, const sl_lint_result *r);
void sl_session_each(sl_session *s, const sl_check_opts *o, sl_target_fn fn, void *ctx,
                     sl_report *out);

/* `resolve`: the one target the paths name, linted without fix
 * verification, its result in `a`. Returns 0; 1 when the paths do not name
 * exactly one target; -1 with the report's problems saying why it could not
 * be linted. */
int sl_session_resolve(sl_session *s, const sl_check_opts *o, sl_arena *a,
                       sl_lint_result *out, sl_report *report);

#endif
