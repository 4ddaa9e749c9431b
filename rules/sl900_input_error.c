/* SL900 input-error: an input that could not be read or understood. It is
 * not a check of a config: the engine reports such inputs as problems, and
 * the machine formats (SARIF, JSON, GitHub annotations) show each one under
 * this rule, so that a run whose inputs are broken still says so where CI
 * looks. */
#include "shardlint/rule.h"

static const char doc[] =
    "## What it flags\n"
    "An input shardlint could not read or understand, so nothing that depends on it\n"
    "was linted: a missing or unreadable file, broken YAML, a value of the wrong type,\n"
    "a `base_config` chain that loops or names a missing file, an override MaxText\n"
    "would refuse, or a launch whose config cannot be found.\n\n"
    "## Why it matters\n"
    "A run that cannot read an input cannot say whether that input is sharded well;\n"
    "it ends with exit status 2 and reports the input here instead of staying silent.\n"
    "Most of these inputs would make MaxText itself stop before training.\n\n"
    "## How to fix\n"
    "Fix the input at the location given (the message says what was wrong there), or\n"
    "remove it from the paths the run checks. Parts of an input that were only left\n"
    "out, such as a launch-script word using a variable the script does not define,\n"
    "are SL901 notes, not this rule.\n";

const sl_rule_def sl_rule_sl900 = {
    .id = "SL900",
    .name = "input-error",
    .summary = "An input could not be read or understood, so what depends on it was not linted",
    .doc = doc,
    .level = SL_LEVEL_ERROR,
    .tags = {"input", "correctness", NULL},
    .precision = "very-high",
};
