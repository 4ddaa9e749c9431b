/* SL901 unknown-variable: a word of a MaxText launch uses something the
 * script does not define (a variable it never sets, a command substitution,
 * its own arguments), so shardlint leaves that word out rather than guess. */
#include <string.h>

#include "shardlint/rule.h"

extern const sl_rule_def sl_rule_sl901;

static const char doc[] =
    "## What it flags\n"
    "A word of a MaxText launch in a shell script that shardlint cannot read because it\n"
    "uses something the script does not define:\n"
    "- a variable the script never sets (it comes from the environment or from the\n"
    "  script's arguments), or sets only when it runs (`for`, `read`);\n"
    "- a command substitution, `$(...)` or `` `...` ``: shardlint never runs commands;\n"
    "- the script's own arguments (`$1`, `$@`), or an expansion such as `${X%y}`;\n"
    "- a relative path after a `cd` to a folder that is not in the checkout.\n\n"
    "## Why it matters\n"
    "shardlint does not guess values. The word is left out of the lint: a `key=value`\n"
    "word is not applied, and a launch whose config path is unknown is not linted at\n"
    "all. What the launch does with the real value is not checked.\n\n"
    "## Example\n"
    "```sh\n"
    "python3 -m maxtext.trainers.pre_train.train src/maxtext/configs/base.yml \\\n"
    "    ici_tensor_parallelism=$TP run_name=$(date +%s)\n"
    "```\n"
    "`ici_tensor_parallelism=$TP` is left out: the mesh is checked without it.\n\n"
    "## Use instead\n"
    "Set the variable in the script (`TP=4`), give it a default (`${TP:-4}`), or pass the\n"
    "word to shardlint itself: `shardlint check run.sh ici_tensor_parallelism=4`.\n\n"
    "## When to ignore it\n"
    "When the word does not bear on sharding (`run_name`, output paths). Silence it with\n"
    "`# shardlint: disable=SL901` on the line or the line above, or `--ignore SL901`.\n";

/* What the word uses, in words: "`$OUT` is set from a command substitution,
 * `$(date +%s)`, which shardlint does not run". */
static const char *subject(sl_arena *a, const sl_sh_unknown *u)
{
    const char *from = u->via ? sl_sprintf(a, "`$%s` is set from ", u->via) : "";
    switch (u->kind) {
    case SL_SH_UNSET:
        return u->via ? sl_sprintf(a, "%s`$%s`, which this script does not set", from, u->name)
                      : sl_sprintf(a, "`$%s` is not set in this script", u->name);
    case SL_SH_SUBSTITUTION:
        return sl_sprintf(a, "%s`%s`%s a command substitution, which shardlint does not run",
                          from, u->name, u->via ? "," : " is");
    case SL_SH_POSITIONAL:
        return sl_sprintf(a, "%s`%s`%s one of the script's arguments", from, u->name,
                          u->via ? "," : " is");
    case SL_SH_EXPANSION:
        return sl_sprintf(a, "%s`%s`%s an expansion shardlint does not evaluate", from, u->name,
                          u->via ? "," : " is");
    case SL_SH_RUNTIME:
        return sl_sprintf(a, "`$%s` is set by `%s` only when the script runs", u->via, u->name);
    case SL_SH_UNKNOWN_DIR:
        return u->name ? sl_sprintf(a, "the folder the launch runs in is not known after `cd %s`",
                                    u->name)
                       : "the script is not in a MaxText checkout, so the folder it runs in "
                         "is not known";
    }
    return "a part of the word is not known";
}

/* What leaving the word out means for the launch. */
static const char *consequence(sl_arena *a, const sl_sh_unknown *u)
{
    if (u->role == SL_SH_WORD_CONFIG)
        return "the launch's config path cannot be read, so the launch is not linted";
    if (u->role == SL_SH_WORD_ENTRY)
        return "the module the launch runs is not known";
    if (u->word[0] == '$' && !strchr(u->word, '='))
        return "the words it stands for are left out of the lint";
    return sl_sprintf(a, "`%s` is left out of the lint", u->word);
}

static void check(const sl_launch_ctx *ctx, sl_findings *out)
{
    sl_arena *a = ctx->arena;
    const sl_launch *l = ctx->launch;
    for (size_t i = 0; i < l->nunknown; i++) {
        const sl_sh_unknown *u = &l->unknown[i];
        const char *msg = sl_sprintf(a, "%s: %s", subject(a, u), consequence(a, u));
        sl_finding *f = sl_findings_add(a, out, &sl_rule_sl901, SL_LEVEL_NOTE, u->loc, msg);
        f->key = sl_sprintf(a, "SL901:%s:%s", u->name ? u->name : "", u->word);
        if (sl_loc_is_set(u->cause_loc))
            sl_finding_related(a, f, u->cause_loc,
                               u->kind == SL_SH_UNKNOWN_DIR ? "the `cd`"
                               : u->via ? sl_sprintf(a, "where `$%s` gets its value", u->via)
                                        : "where it is set");
        sl_finding_note(a, f, "shardlint does not guess values or run commands: give the value "
                              "in the script, or pass the word to shardlint "
                              "(`shardlint check SCRIPT key=value`) to lint it.");
    }
}

const sl_rule_def sl_rule_sl901 = {
    .id = "SL901",
    .name = "unknown-variable",
    .summary = "A launch word uses a variable or command the script does not define; the word "
               "is left out",
    .doc = doc,
    .level = SL_LEVEL_NOTE,
    .tags = {"launch", "input", NULL},
    .precision = "very-high",
    .check_launch = check,
};
