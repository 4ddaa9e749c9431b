/* Shared by the engine's files: the session's caches, targets and scanned
 * sources. Not part of the public API. */
#ifndef SHARDLINT_ENGINE_INTERNAL_H
#define SHARDLINT_ENGINE_INTERNAL_H

#include "shardlint/engine.h"

/* The session's config_files interface: parsed files from its cache. */
const sl_config_files *session_files(sl_session *s);

/* The tree this check may read (o->root unless allow_outside_root). */
void session_limit(sl_session *s, const sl_check_opts *o);

/* The merged base_config chain of an entry, cached. */
int session_chain(sl_session *s, const char *entry, const sl_config_chain **out, sl_err *err);

/* A string that lives as long as the session, one copy per distinct text. */
const char *session_intern(sl_session *s, const char *text);

/* What the session reads for a file: its overlay's text, else the file on
 * disk. As sl_file_read: 0, 1 when larger than max, -1; *buf malloc'd. */
int session_read(sl_session *s, const char *path, size_t max, char **buf, size_t *len,
                 sl_err *err);
/* Whether an overlay stands for the file. */
bool session_has_text(sl_session *s, const char *path);
/* Files read from now on are listed in r->files; NULL stops the listing. */
void session_reading(sl_session *s, sl_report *r);

/* A value kept for the session under a key (NULL when none): for results
 * that many targets would otherwise work out again. */
void *session_memo_get(sl_session *s, const char *key);
void session_memo_put(sl_session *s, const char *key, void *value);

/* The session's own arena, for what lives as long as it does. */
sl_arena *session_arena(sl_session *s);

/* The session's tree for a checkout root, zeroed the first time it is asked
 * for (tree.c fills it in). */
sl_tree *session_tree_cached(sl_session *s, const char *root);

/* Fills a tree's key source, fields and choices from its config code
 * (tree_keys.c). */
void tree_keys_read(sl_arena *a, sl_tree *t);

/* Model code scanned from one folder, and what it means for the catalog:
 * sites the catalog knows give those sites their exact location; the others
 * are specs of their own. Scanned and matched once per session. */
typedef struct {
    const char *dir;
    sl_site_loc *site_locs;
    size_t nsite_locs;
    sl_spec *specs;
    size_t nspecs;
    bool scanned;
    const sl_spec *user_specs;  /* the --specs that with_user was made with */
    sl_spec *with_user;         /* --specs, then specs */
} session_source;

/* The session's slot for a folder's scan, zeroed the first time it is asked
 * for (sources.c fills it in). */
session_source *session_source_slot(sl_session *s, const char *dir);

/* One thing to lint: a scenario and how it reads in findings. */
typedef struct {
    const char *label;        /* "the launch at run.sh:12:1", "base.yml model_name=x" */
    const char *config_path;  /* the entry config (finds the model code) */
    sl_scenario scenario;
    const char *script;       /* a launch's script, NULL for a config */
    sl_loc launch_at;         /* a launch's config word (or its python word) */
    const char *source;       /* the file named or walked: config, model file, script */
} target;

/* Paths -> targets, in the report's arena; what the launch rules find in
 * scripts goes to `launch_findings` (NULL: they are not run). Input errors
 * go to the report, with the launches of scripts; the walk goes on past
 * them. */
void targets_collect(sl_session *s, const sl_check_opts *o, sl_vec *targets,
                     sl_findings *launch_findings, sl_report *r);

/* Gives a target's scenario its specs and catalog-site locations: --specs,
 * then the scanned sites (from --source, else from the checkout its config
 * is in), allocated in `a`. -1 with err when a --source folder cannot be
 * scanned. */
int sources_apply(sl_session *s, sl_arena *a, const sl_check_opts *o, target *t, sl_err *err);

/* Whether the check's callbacks keep a finding of a target from this file. */
bool finding_wanted(const sl_check_opts *o, const sl_finding *f, const char *target_path);

/* Suppression comments (suppress.c), read once per check into `a`. */
typedef struct suppressions suppressions;
suppressions *suppress_new(sl_session *s, sl_arena *a);
/* Whether a comment at the finding's location or at one of its related
 * locations disables it; the comment is then used. */
bool suppress_finding(suppressions *sp, const sl_finding *f);
/* An SL902 finding, in `a`, for each comment of `files` (const char *) that
 * disabled nothing and names a rule that is on. */
void suppress_unused(suppressions *sp, sl_arena *a, const sl_check_opts *o, const sl_vec *files,
                     sl_findings *out);

/* What makes two findings of a check the same one: rule, key, location. */
const char *finding_identity(sl_arena *a, const sl_finding *f);

/* Adds a problem (copied) to the report. */
void report_problem(sl_session *s, sl_report *r, sl_level level, const sl_err *e);

#endif
