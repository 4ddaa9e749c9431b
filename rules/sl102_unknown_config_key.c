/* SL102 unknown-config-key: a key the tree's config does not define, which
 * MaxText refuses at start-up. */
#include <string.h>

#include "shardlint/rule.h"

extern const sl_rule_def sl_rule_sl102;

static const char doc[] =
    "## What it flags\n"
    "A config key MaxText does not define, in a config file, a model file or a\n"
    "`key=value` word, with the closest key it does define. What is defined is read\n"
    "from the tree's own config code, as text:\n"
    "- trees with `configs/types.py` (MaxText since late 2025): the fields of its\n"
    "  pydantic classes, including keys `base.yml` does not set\n"
    "  (`vision_encoder_block`, `log_moe_bias_norms`). Every key of the final config\n"
    "  must be one (`extra=\"forbid\"`);\n"
    "- older trees (`pyconfig.py` alone): the keys of the entry's `base_config` chain.\n"
    "  A command-line key or a model-file key the chain does not set is refused;\n"
    "- a config outside a MaxText checkout: the keys of its `base.yml` and the fields\n"
    "  of MaxText's `types.py` at " SL_MAXTEXT_COMMIT ", the commit shardlint follows.\n"
    "  Command-line and model-file keys are checked.\n\n"
    "## Why it matters\n"
    "MaxText stops with `'ici_expert_paralelism' not in ...` (or `Key ... was passed\n"
    "at the command line but isn't in config`) after the job has been scheduled and\n"
    "JAX imported.\n\n"
    "## Example\n"
    "```sh\n"
    "python3 -m maxtext.trainers.pre_train.train src/maxtext/configs/base.yml \\\n"
    "    model_name=mixtral-8x7b ici_expert_paralelism=-1 ici_fsdp_parallelism=1\n"
    "```\n"
    "```yaml\n"
    "ici_expert_paralelism: -1\n"
    "```\n\n"
    "## Use instead\n"
    "```sh\n"
    "    model_name=mixtral-8x7b ici_expert_parallelism=-1 ici_fsdp_parallelism=1\n"
    "```\n"
    "```yaml\n"
    "ici_expert_parallelism: -1\n"
    "```\n\n"
    "## When to ignore it\n"
    "When the run uses a MaxText other than the checkout the config sits in (a\n"
    "container with a newer MaxText). Lint against that tree instead, or add\n"
    "`# shardlint: disable=SL102` on the key's line.\n\n"
    "## Fix safety\n"
    "The fix renames the key to the closest defined one and is verified: the config\n"
    "is linted again with the key read under its new name, and the fix says what that\n"
    "run would hit (a renamed `ici_expert_parallelism=-1` next to the default\n"
    "`ici_fsdp_parallelism: -1` is a mesh with two -1s, SL003). No fix is offered when\n"
    "no defined key is close, or two are equally close.\n\n"
    "## References\n"
    "MaxText `configs/pyconfig.py` `_prepare_for_pydantic` and `configs/types.py`\n"
    "`MaxTextConfig` (`extra=\"forbid\"`); older `MaxText/pyconfig.py`\n"
    "`_update_from_env_and_command_line` and `validate_and_update_keys`.\n";

typedef enum { FROM_CHAIN, FROM_MODEL, FROM_OVERRIDE } key_origin;

typedef struct {
    const sl_lint_ctx *ctx;
    sl_findings *out;
    sl_key_source source;
    bool assumed;
    const char **names;       /* the defined keys, for suggestions */
    size_t nnames;
} keyset;

static bool defined(const keyset *k, const char *key)
{
    const sl_config *c = k->ctx->config;
    if (k->source == SL_KEYS_FIELDS)
        return sl_tree_field_find(k->ctx->tree, key) != NULL;
    if (sl_map_get(c->base_values, key))
        return true;
    return k->assumed && sl_maxtext_key_known(key);
}

static void add_names(sl_arena *a, sl_vec *v, const sl_node *map)
{
    for (size_t i = 0; map && i < map->n; i++)
        sl_vec_push(a, v, (void *)sl_node_text(map->keys[i]));
}

static void collect_names(keyset *k)
{
    sl_arena *a = k->ctx->arena;
    sl_vec v = {0};
    if (k->source == SL_KEYS_FIELDS) {
        for (size_t i = 0; i < k->ctx->tree->nfields; i++)
            sl_vec_push(a, &v, (void *)k->ctx->tree->fields[i].name);
    } else {
        add_names(a, &v, k->ctx->config->base_values);
    }
    if (k->assumed) {
        size_t n;
        const char *const *known = sl_maxtext_keys(&n);
        for (size_t i = 0; i < n; i++)
            sl_vec_push(a, &v, (void *)known[i]);
    }
    k->names = (const char **)v.items;
    k->nnames = v.n;
}

static const char *why(const keyset *k, key_origin o)
{
    if (k->source == SL_KEYS_FIELDS)
        return "the config classes of configs/types.py define no such field, and MaxText "
               "refuses it at start-up";
    if (!k->assumed)
        return o == FROM_OVERRIDE ? "the base_config chain does not set it, and MaxText's "
                                    "pyconfig refuses a command-line key its YAML does not have"
                                  : "the base_config chain does not set it, and MaxText's "
                                    "pyconfig refuses a model-file key its YAML does not have";
    return "neither base.yml nor MaxText at " SL_MAXTEXT_COMMIT " defines it, and MaxText "
           "refuses a key its config does not define";
}

static void add_fix(const keyset *k, sl_finding *f, const sl_node *key, const sl_node *value,
                    const char *to)
{
    sl_arena *a = k->ctx->arena;
    const char *from = sl_node_text(key);
    sl_fix *fix = sl_finding_fix(a, f, sl_sprintf(a, "use the key '%s'", to));
    fix->preferred = true;
    if (key->loc.word)
        fix->override = sl_sprintf(a, "%s=%s", to, sl_node_render(a, value));
    if (key->loc.file) {
        sl_loc end = key->loc;
        end.col += (int)strlen(from);
        sl_fix_edit(a, fix, key->loc, end, to);
    }
    sl_rename r = {.from = from, .to = to};
    sl_fix_change ch = {.renames = &r, .nrenames = 1};
    sl_fix_verify_with(a, fix, &ch);
}

static void check_map(keyset *k, const sl_node *map, key_origin o)
{
    sl_arena *a = k->ctx->arena;
    for (size_t i = 0; map && i < map->n; i++) {
        const sl_node *key = map->keys[i];
        const char *name = sl_node_text(key);
        if (!name || defined(k, name))
            continue;
        if (!k->names)
            collect_names(k);
        const char *near = sl_rule_closest(name, k->names, k->nnames);
        sl_finding *f = sl_findings_add(a, k->out, &sl_rule_sl102, SL_LEVEL_ERROR, key->loc,
            sl_sprintf(a, "unknown config key '%s': %s%s%s%s", name, why(k, o),
                       near ? "; did you mean '" : "", near ? near : "", near ? "'?" : ""));
        f->key = sl_sprintf(a, "SL102:%s", name);
        f->loc_label = "the key";
        f->stays = sl_rule_is_yaml(key->loc.file);
        if (k->assumed)
            sl_finding_note(a, f, "No MaxText config code was found with this config; the keys "
                                  "are those of its base.yml and of MaxText at "
                                  SL_MAXTEXT_COMMIT ".");
        if (near && k->ctx->offer_fixes)
            add_fix(k, f, key, map->items[i], near);
    }
}

static void check(const sl_lint_ctx *ctx, sl_findings *out)
{
    keyset k = {.ctx = ctx, .out = out, .assumed = sl_rule_tree_assumed(ctx)};
    k.source = k.assumed ? SL_KEYS_CHAIN : ctx->tree->key_source;
    if (k.source == SL_KEYS_UNKNOWN)
        return;
    if (k.source == SL_KEYS_FIELDS)
        check_map(&k, ctx->config->base_values, FROM_CHAIN);
    if (k.source == SL_KEYS_FIELDS || k.assumed ||
        sl_tree_code_has(ctx->tree, "does not exist in config"))
        check_map(&k, ctx->config->model_values, FROM_MODEL);
    check_map(&k, ctx->config->override_values, FROM_OVERRIDE);
}

const sl_rule_def sl_rule_sl102 = {
    .id = "SL102",
    .name = "unknown-config-key",
    .summary = "A config key the tree's MaxText does not define; MaxText refuses it at start-up",
    .doc = doc,
    .level = SL_LEVEL_ERROR,
    .tags = {"maxtext", "correctness", NULL},
    .check = check,
    .precision = "very-high",
};
