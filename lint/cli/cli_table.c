/* Every command and option, with the words that explain them: option
 * parsing, --help, the man page and the shell completions are all made
 * from this one table. */
#include <string.h>

#include "cli_opts.h"

#define ALL_COMMANDS (CLI_CHECK | CLI_RESOLVE | CLI_RULES | CLI_EXPLAIN | CLI_LSP)
#define LINTING (CLI_CHECK | CLI_RESOLVE)

const cli_option cli_options[] = {
    {"devices", 0, "N", NULL, LINTING,
     "Devices per slice. Default: the product of the config's ici_* values when none of "
     "them is -1, else what a launch script implies (hardware=gpu: one node of 8; a TPU "
     "topology such as v5p-256), else 8."},
    {"slices", 0, "N", NULL, LINTING,
     "Number of slices. Default: the config's num_slices when it is above 0, else 1."},
    {"specs", 0, "FILE", NULL, LINTING,
     "Adds tensor specs of your own, from a YAML map of name -> list of logical names, or "
     "-> {spec: [...], keep: {dim: N, axis: NAME}}. Repeatable."},
    {"source", 0, "DIR", NULL, LINTING,
     "Scans the Python model code in DIR for logical-axis specs (text only: nothing is "
     "imported or run). Repeatable. Default: the src/maxtext (or MaxText) folder of the "
     "checkout the config is in."},
    {"format", 0, "FORMAT", "text json sarif github", CLI_CHECK,
     "Output format: text (default), json, sarif (SARIF 2.1.0) or github (workflow "
     "annotations)."},
    {"format", 0, "FORMAT", "text json", CLI_RESOLVE | CLI_RULES,
     "Output format: text (default) or json."},
    {"output", 'o', "FILE", NULL, CLI_CHECK,
     "Writes the report to FILE instead of standard output: the whole report or nothing, "
     "a symlink's target replaced with its permissions kept."},
    {"root", 0, "DIR", NULL, CLI_CHECK,
     "The repository root that SARIF URIs, GitHub annotations and fingerprints name files "
     "from, and the tree the run reads and --fix writes: a base_config, model file, "
     "custom_mesh_and_rule file or launch config outside it is not read. Default: the "
     "repository the working directory is in, else the one the first path is in, else the "
     "working directory."},
    {"allow-outside-root", 0, NULL, NULL, CLI_CHECK | CLI_RESOLVE,
     "Reads files outside the tree (--root) too, and lets --fix edit them."},
    {"fail-level", 0, "LEVEL", "note warning error", CLI_CHECK,
     "Exit with status 1 when a finding is at this level or above. Default: warning."},
    {"select", 0, "RULES", NULL, CLI_CHECK,
     "Only these rules: ids (SL001), names (mesh-axis-conflict), id prefixes (SL0) or ALL, "
     "comma-separated. Repeatable: the lists add up. Replaces the configuration file's "
     "select and ignore."},
    {"ignore", 0, "RULES", NULL, CLI_CHECK,
     "Not these rules (same words as --select). Repeatable: the lists add up."},
    {"fix", 0, NULL, NULL, CLI_CHECK,
     "Applies each finding's preferred fix, when re-linting showed that it removes the "
     "finding and brings nothing new, to the files it edits."},
    {"no-latent", 0, NULL, NULL, CLI_CHECK,
     "Turns latent mode off: a MoE config without expert parallelism is not linted again "
     "under an expert-parallel probe."},
    {"no-cache", 0, NULL, NULL, CLI_CHECK,
     "Scans the model code's Python afresh instead of reusing, for unchanged files, the "
     "scan kept in the repository's git directory (.git/shardlint) by earlier runs."},
    {"color", 0, "WHEN", "auto always never", CLI_CHECK,
     "Colour in text output: auto (default: on a terminal, unless NO_COLOR is set), always "
     "or never."},
    {"statistics", 0, NULL, NULL, CLI_CHECK,
     "Prints how many findings each rule has, instead of the findings (text or json)."},
    {"exit-zero", 0, NULL, NULL, CLI_CHECK,
     "Exit with status 0 even when findings are at or above --fail-level (usage and input "
     "errors still give 2)."},
    {"hook", 0, NULL, NULL, CLI_CHECK,
     "Hook mode, for pre-commit: each named file is linted only when a directory walk "
     "would lint it (a launch script, an entry config, a model config); Python files, "
     "unrelated YAML and other files are skipped without an error, and exclude globs of "
     "the configuration file apply to named files too."},
    {"stdin-filename", 0, "NAME", NULL, LINTING,
     "The name of what standard input holds, for the path -: findings point at NAME, its "
     "folder anchors base_config, and NAME's suffix says whether it is a config (.yml) or "
     "a launch script (.sh). Alone, it means the path -."},
    {"config", 0, "FILE", NULL, LINTING,
     "Reads this configuration file instead of looking for .shardlint.yml from the "
     "working directory upward."},
    {"isolated", 0, NULL, NULL, LINTING, "Reads no configuration file."},
    {"quiet", 'q', NULL, NULL, CLI_CHECK,
     "Prints the findings and errors only: no summary line, no warnings about the inputs, "
     "no list of fixed files."},
    {"verbose", 'v', NULL, NULL, LINTING,
     "Also says which configuration file is read, which files are skipped and why, and how "
     "many targets were linted."},
    {"stdio", 0, NULL, NULL, CLI_LSP,
     "Accepted for the editors that pass it to every server: the server always speaks on "
     "standard input and output."},
    {"help", 'h', NULL, NULL, ALL_COMMANDS, "Prints this help."},
};

const size_t cli_noptions = sizeof cli_options / sizeof cli_options[0];

static const cli_argument check_args[] = {
    {"PATH",
     "An entry config (base.yml, or any file with base_config), a model config under "
     "models/ (linted as its tree's base.yml with model_name set), a shell script with "
     "MaxText launches (each launch linted with its config and its key=value words), a "
     "directory (every entry config, model config and .sh script in it), or - for "
     "standard input."},
    {"key=value",
     "A MaxText override, as written on a launch command; the value is read as YAML (-1, "
     "1.25, False, ['a','b']). A word that names an existing file is a path."},
    {NULL, NULL},
};

static const cli_argument resolve_args[] = {
    {"CONFIG", "An entry config or a model config, as for check, or - for standard input."},
    {"key=value", "A MaxText override, as for check."},
    {NULL, NULL},
};

static const cli_argument explain_args[] = {
    {"RULE", "A rule id (SL001) or name (mesh-axis-conflict)."},
    {NULL, NULL},
};

const cli_command cli_commands[] = {
    {"check", CLI_CHECK, "PATH... [key=value ...]",
     "Lint configs, model files, launch scripts and directories",
     "Lints every target the paths name: builds the mesh from the parallelism settings, "
     "resolves each live tensor spec through logical_axis_rules as flax does, runs every "
     "rule, and re-lints each suggested fix to say whether it works. Findings name the "
     "file, line and column of every value involved.",
     check_args, sl_cli_check},
    {"resolve", CLI_RESOLVE, "CONFIG [key=value ...]",
     "Print the mesh and how each live tensor is sharded",
     "Prints the mesh (each axis, its size, the setting that gave it) and, for every live "
     "tensor, its physical partition spec with, per dim, the rule entry that gave it its "
     "axes or the dim and rule that took an axis from it.",
     resolve_args, sl_cli_resolve},
    {"rules", CLI_RULES, "", "List the rules",
     "Lists every rule: id, name, default level and summary.", NULL, cli_rules},
    {"explain", CLI_EXPLAIN, "RULE", "Print a rule's documentation",
     "Prints a rule's documentation: what it flags, why it matters, how to fix it, with "
     "examples.",
     explain_args, cli_explain},
    {"lsp", CLI_LSP, "", "Run the language server",
     "Speaks the Language Server Protocol on standard input and output: diagnostics for the "
     "open configs and launch scripts as they are edited, their fixes and suppression "
     "comments as code actions, and hovers on logical names. The workspace root's "
     ".shardlint.yml is read as check run there reads it, and again when it is saved.",
     NULL, cli_lsp},
};

const size_t cli_ncommands = sizeof cli_commands / sizeof cli_commands[0];

const cli_command *cli_command_find(const char *name)
{
    for (size_t i = 0; i < cli_ncommands; i++)
        if (strcmp(cli_commands[i].name, name) == 0)
            return &cli_commands[i];
    return NULL;
}

const char cli_about[] =
    "shardlint is a static analyzer for the sharding configs of MaxText training runs. It "
    "reads a config tree the way MaxText's pyconfig does, builds the device mesh from the "
    "ici_* and dcn_* parallelism keys, resolves every tensor spec's logical axis names to "
    "mesh axes as flax's logical_to_mesh_axes does, and reports what would go wrong at run "
    "time.";

const char cli_exit_status[] =
    "0: nothing at or above --fail-level. 1: a finding at or above it. 2: a usage error, "
    "or an input that could not be linted (reported as file:line:col: error: ...).";

const char cli_config_help[] =
    "A .shardlint.yml file, looked for from the working directory upward (or named by "
    "--config; --isolated reads none), holds settings for a tree. Paths in it are relative "
    "to its folder; command-line flags win over it. Its keys: select and ignore (lists of "
    "rule ids, names, prefixes or ALL), devices and slices (as --devices and --slices), "
    "fail-level, exclude (globs of files that walks and hook mode leave out), specs (files, "
    "as --specs), source (folders, as --source), and per-file: a list of {paths: [globs], "
    "devices, slices, ignore, select} whose devices and slices apply to the targets of "
    "matching files (the last match wins) and whose ignore and select apply to findings "
    "located in, or linted from, matching files. In globs, * and ? stay within a folder, ** "
    "spans folders, a glob without / matches a name at any depth, and a glob that matches a "
    "folder matches everything in it. An unknown key is an error.";

const char cli_suppress_help[] =
    "A comment disables rules (ids or names, comma-separated) where a finding is reported "
    "or where its cause is written: at the finding's location or any related location (the "
    "launch-script word that makes an axis active, the model-code line of a tensor spec). "
    "'# shardlint: disable=SL001' covers its own statement (a line, with the lines it "
    "continues with a trailing backslash) and the statement that starts on the next line; "
    "'# shardlint: disable-next-line=SL001' that next statement only; '# shardlint: "
    "disable-file=SL001' the whole file. A suppression that disables nothing is reported "
    "as SL902.";
