/* SL902 unused-suppression: a `# shardlint: disable...` comment that
 * disabled nothing in this run. The engine reports it once suppression
 * comments have been applied (lint/engine/suppress.c). */
#include "shardlint/rule.h"

extern const sl_rule_def sl_rule_sl902;

static const char doc[] =
    "## What it flags\n"
    "A suppression comment (`# shardlint: disable=ID`, `disable-next-line=ID`,\n"
    "`disable-file=ID`) that disabled no finding, or that names no rule. Each id of a\n"
    "comma-separated list is judged on its own, and the finding points at that id.\n\n"
    "## Why it matters\n"
    "A stale suppression hides the next real finding at that place without anyone\n"
    "deciding to: the comment was written for a problem that has been fixed or moved.\n"
    "A misspelt id disables nothing at all.\n\n"
    "## Example\n"
    "```sh\n"
    "# the launch no longer turns expert parallelism on, so the comment is stale\n"
    "python3 -m maxtext.trainers.pre_train.train src/maxtext/configs/base.yml \\\n"
    "    model_name=mixtral-8x7b ici_fsdp_parallelism=-1  # shardlint: disable=SL001\n"
    "```\n\n"
    "## Use instead\n"
    "Remove the id from the comment, or the whole comment when it was the last one.\n\n"
    "## Which comments are judged\n"
    "Comments in a launch script linted in this run: its launches are all the findings\n"
    "it can disable. Comments in YAML configs only when the run walked the whole\n"
    "repository (`shardlint check .` at its root): a config's comment may serve any\n"
    "config or launch that includes it. A comment for a rule that is turned off\n"
    "(`--ignore`, `--select`) is not judged.\n\n"
    "## When to ignore it\n"
    "When a suppression serves a run this one does not make (other `--devices`, latent\n"
    "mode off): `--ignore SL902`, or `# shardlint: disable=SL902` on the same line.\n";

const sl_rule_def sl_rule_sl902 = {
    .id = "SL902",
    .name = "unused-suppression",
    .summary = "A suppression comment disabled no finding, or names no rule",
    .doc = doc,
    .level = SL_LEVEL_NOTE,
    .tags = {"maintenance", NULL},
    .precision = "very-high",
};
