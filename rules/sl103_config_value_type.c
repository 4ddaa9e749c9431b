/* SL103 config-value-type: a value MaxText's config refuses for its key (a
 * string where it wants an int, a name not among a field's choices). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "shardlint/rule.h"

extern const sl_rule_def sl_rule_sl103;

static const char doc[] =
    "## What it flags\n"
    "A config value of a type MaxText refuses for its key, read from the tree's own\n"
    "config code:\n"
    "- trees with `configs/types.py`: the field's annotation, as pydantic checks it in\n"
    "  its lax mode. `int` (and `PositiveInt`, `NonNegativeInt`) takes an int, a float\n"
    "  without a fraction, a bool or a string of an int; `float` any number or numeric\n"
    "  string; `bool` a bool, 0 or 1, or one of `true/false/yes/no/on/off/t/f/y/n/1/0`;\n"
    "  `str` a string, never a number; an `Enum` or `Literal[...]` one of its values\n"
    "  (`model_name` is one). Other annotations are not checked, nor null values\n"
    "  (MaxText's pyconfig rewrites several);\n"
    "- older trees (`pyconfig.py` alone): a `key=value` word is converted to the type\n"
    "  of the value in the YAML (`int('abc')` fails, a bool takes only true/false), and\n"
    "  a model-file value must be of the YAML value's type (`1` for a float key is\n"
    "  refused);\n"
    "- a config outside a MaxText checkout is not checked: the types are in the tree's\n"
    "  config code.\n\n"
    "## Why it matters\n"
    "MaxText stops with a pydantic validation error (or `Couldn't parse value from CLI`)\n"
    "after the job has been scheduled.\n\n"
    "## Example\n"
    "```sh\n"
    "... src/maxtext/configs/base.yml model_name=llama3.1-8bb ici_tensor_parallelism=four\n"
    "```\n"
    "```yaml\n"
    "per_device_batch_size: 'eight'\n"
    "```\n\n"
    "## Use instead\n"
    "```sh\n"
    "... src/maxtext/configs/base.yml model_name=llama3.1-8b ici_tensor_parallelism=4\n"
    "```\n"
    "```yaml\n"
    "per_device_batch_size: 8\n"
    "```\n\n"
    "## When to ignore it\n"
    "When the job runs a MaxText other than the checkout the config is in. Add\n"
    "`# shardlint: disable=SL103` on the value's line.\n\n"
    "## Fix safety\n"
    "For a name among a field's choices that is misspelt, the fix uses the closest\n"
    "choice and is verified by linting the config with it. Other values have no\n"
    "automatic fix: what number was meant is for you to say.\n\n"
    "## References\n"
    "MaxText `configs/types.py` (field annotations), pydantic's conversion table (lax\n"
    "mode); older `MaxText/pyconfig.py` `_yaml_types_to_parser` and\n"
    "`validate_and_update_keys`.\n";

typedef enum { K_NONE, K_INT, K_FLOAT, K_BOOL, K_STR, K_CHOICE } kind;

typedef struct {
    kind k;
    double min;               /* PositiveInt: 1, NonNegative*: 0 */
    bool bounded;
    const char **choices;
    size_t nchoices;
    const char *words;        /* the annotation, for messages */
} field_type;

static bool text_is(const char *s, size_t n, const char *word)
{
    return strlen(word) == n && strncmp(s, word, n) == 0;
}

/* "None | X", "X | None" and "Optional[X]" are X (null values are not
 * checked). */
static void strip_optional(const char **s, size_t *n)
{
    while (*n && isspace((unsigned char)**s))
        (*s)++, (*n)--;
    while (*n && isspace((unsigned char)(*s)[*n - 1]))
        (*n)--;
    if (*n > 7 && strncmp(*s, "None | ", 7) == 0)
        *s += 7, *n -= 7;
    else if (*n > 7 && strncmp(*s + *n - 7, " | None", 7) == 0)
        *n -= 7;
    else if (*n > 10 && strncmp(*s, "Optional[", 9) == 0 && (*s)[*n - 1] == ']')
        *s += 9, *n -= 10;
}

static void literal_choices(sl_arena *a, const char *s, size_t n, field_type *t)
{
    sl_vec v = {0};
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '"' && s[i] != '\'')
            continue;
        const char *end = memchr(s + i + 1, s[i], n - i - 1);
        if (!end)
            return;
        sl_vec_push(a, &v, sl_strndup(a, s + i + 1, (size_t)(end - s - i - 1)));
        i = (size_t)(end - s);
    }
    t->k = K_CHOICE;
    t->choices = (const char **)v.items;
    t->nchoices = v.n;
}

static field_type classify(const sl_lint_ctx *ctx, const sl_tree_field *f)
{
    field_type t = {.k = K_NONE, .words = f->type};
    if (!f->type)
        return t;
    const char *s = f->type;
    size_t n = strlen(s);
    strip_optional(&s, &n);
    if (text_is(s, n, "int") || text_is(s, n, "PositiveInt") || text_is(s, n, "NonNegativeInt")) {
        t.k = K_INT;
        t.bounded = s[0] != 'i';
        t.min = s[0] == 'P' ? 1 : 0;
    } else if (text_is(s, n, "float") || text_is(s, n, "NonNegativeFloat")) {
        t.k = K_FLOAT;
        t.bounded = s[0] == 'N';
    } else if (text_is(s, n, "bool")) {
        t.k = K_BOOL;
    } else if (text_is(s, n, "str") || text_is(s, n, "PathStr")) {
        t.k = K_STR;
    } else if (n > 9 && strncmp(s, "Literal[", 8) == 0 && s[n - 1] == ']') {
        literal_choices(ctx->arena, s + 8, n - 9, &t);
    } else {
        const sl_tree_choice *c = sl_tree_choice_find(ctx->tree, sl_strndup(ctx->arena, s, n));
        if (c && c->nvalues) {
            t.k = K_CHOICE;
            t.choices = c->values;
            t.nchoices = c->nvalues;
        }
    }
    return t;
}

static bool parses_as(const char *s, bool integer, double *out)
{
    char *end;
    while (isspace((unsigned char)*s))
        s++;
    if (!*s)
        return false;
    *out = integer ? (double)strtoll(s, &end, 10) : strtod(s, &end);
    while (isspace((unsigned char)*end))
        end++;
    return *end == '\0';
}

static const char *const bool_words[] = {"0", "off", "f", "false", "n", "no",
                                         "1", "on", "t", "true", "y", "yes"};

static bool bool_word(const char *s)
{
    for (size_t i = 0; i < sizeof bool_words / sizeof *bool_words; i++)
        if (strcasecmp(s, bool_words[i]) == 0)
            return true;
    return false;
}

/* NULL when pydantic (lax) takes n for t, else why not. */
static const char *refusal(sl_arena *a, const field_type *t, const sl_node *n)
{
    if (n->kind != SL_NODE_SCALAR)
        return t->k == K_NONE ? NULL : "a list or a mapping";
    double v = n->f;
    bool num = n->type == SL_SCALAR_INT || n->type == SL_SCALAR_FLOAT || n->type == SL_SCALAR_BOOL;
    if (n->type == SL_SCALAR_BOOL)
        v = n->b;
    switch (t->k) {
    case K_INT:
        if (n->type == SL_SCALAR_STR && !parses_as(n->str, true, &v))
            return "a string that is not an integer";
        if (n->type == SL_SCALAR_FLOAT && v != (double)(long long)v)
            return "a number with a fraction";
        break;
    case K_FLOAT:
        if (n->type == SL_SCALAR_STR && !parses_as(n->str, false, &v))
            return "a string that is not a number";
        break;
    case K_BOOL:
        if (n->type == SL_SCALAR_STR && !bool_word(n->str))
            return "a string that is not a truth value";
        if ((n->type == SL_SCALAR_INT || n->type == SL_SCALAR_FLOAT) && v != 0 && v != 1)
            return "a number other than 0 or 1";
        return NULL;
    case K_STR:
        return n->type == SL_SCALAR_INT || n->type == SL_SCALAR_FLOAT ? "a number" : NULL;
    case K_CHOICE:
        if (n->type != SL_SCALAR_STR)
            return "not one of its choices";
        for (size_t i = 0; i < t->nchoices; i++)
            if (strcmp(t->choices[i], n->str) == 0)
                return NULL;
        return "not one of its choices";
    case K_NONE:
        return NULL;
    }
    if (t->bounded && (num || n->type == SL_SCALAR_STR) && v < t->min)
        return sl_sprintf(a, "below %g", t->min);
    return NULL;
}

/* What the value is, as a person reads it: text of a string in quotes. */
static const char *shown(sl_arena *a, const sl_node *n)
{
    if (n->kind == SL_NODE_SCALAR && n->type == SL_SCALAR_STR)
        return sl_sprintf(a, "'%s'", n->str);
    return sl_node_render(a, n);
}

static bool is_interpolation_or_none(const sl_node *n)
{
    return n->kind == SL_NODE_SCALAR &&
           (n->type == SL_SCALAR_NULL ||
            (n->type == SL_SCALAR_STR && (strstr(n->str, "${") || strcasecmp(n->str, "none") == 0)));
}

/* A launch word holding several `key=value` words: an unquoted expansion
 * the shell splits and the launch scanner keeps whole. */
static bool split_words(const sl_node *n)
{
    return n->loc.file && !sl_rule_is_yaml(n->loc.file) && n->kind == SL_NODE_SCALAR &&
           n->type == SL_SCALAR_STR && strchr(n->str, ' ') && strchr(n->str, '=');
}

static void add_choice_fix(const sl_lint_ctx *ctx, sl_finding *f, const char *key,
                           const sl_node *n, const char *to)
{
    sl_arena *a = ctx->arena;
    sl_fix *fix = sl_finding_fix(a, f, sl_sprintf(a, "use '%s'", to));
    fix->preferred = true;
    fix->override = sl_sprintf(a, "%s=%s", key, to);
    if (sl_rule_is_yaml(n->loc.file))
        sl_fix_edit(a, fix, n->loc, n->end, sl_sprintf(a, "'%s'", to));
    else if (n->loc.file)
        sl_fix_edit(a, fix, n->loc, n->end, to);
    sl_override ov[2] = {{.key = key, .text = to}, {.key = "override_model_config", .text = "true"}};
    bool model_sets = ctx->config->model_values && sl_map_get(ctx->config->model_values, key);
    sl_fix_change ch = {.extra = ov, .nextra = model_sets ? 2 : 1};
    sl_fix_verify_with(a, fix, &ch);
}

static sl_finding *report(const sl_lint_ctx *ctx, sl_findings *out, const char *key,
                          const sl_node *n, const char *message)
{
    sl_finding *f = sl_findings_add(ctx->arena, out, &sl_rule_sl103, SL_LEVEL_ERROR, n->loc,
                                    message);
    f->key = sl_sprintf(ctx->arena, "SL103:%s", key);
    f->loc_label = "the value";
    f->stays = sl_rule_is_yaml(n->loc.file);
    return f;
}

static void check_fields(const sl_lint_ctx *ctx, sl_findings *out)
{
    sl_arena *a = ctx->arena;
    const sl_node *values = ctx->config->values;
    for (size_t i = 0; i < values->n; i++) {
        const char *key = sl_node_text(values->keys[i]);
        const sl_node *n = values->items[i];
        const sl_tree_field *field = sl_tree_field_find(ctx->tree, key);
        if (!field || is_interpolation_or_none(n) || split_words(n))
            continue;
        field_type t = classify(ctx, field);
        const char *why = refusal(a, &t, n);
        if (!why)
            continue;
        const char *near = t.k == K_CHOICE && n->type == SL_SCALAR_STR
                               ? sl_rule_closest(n->str, t.choices, t.nchoices)
                               : NULL;
        sl_finding *f = report(ctx, out, key, n, sl_sprintf(a,
            "%s=%s is %s, and MaxText's config wants %s there%s%s%s", key, shown(a, n), why,
            t.words, near ? "; did you mean '" : "", near ? near : "", near ? "'?" : ""));
        sl_finding_related(a, f, field->loc, sl_sprintf(a, "the field `%s: %s`", key, t.words));
        if (near && ctx->offer_fixes)
            add_choice_fix(ctx, f, key, n, near);
    }
}

/* The older pyconfig's conversion of a command-line value to the type of
 * the YAML value (_yaml_types_to_parser). */
static const char *cli_refusal(const sl_node *yaml, const sl_node *v)
{
    if (yaml->kind != SL_NODE_SCALAR || v->kind != SL_NODE_SCALAR ||
        v->type == SL_SCALAR_NULL || v->type == yaml->type)
        return NULL;
    double x;
    switch (yaml->type) {
    case SL_SCALAR_INT:
        if (v->type == SL_SCALAR_STR && !parses_as(v->str, true, &x))
            return "cannot be read as an int";
        return NULL;
    case SL_SCALAR_FLOAT:
        if (v->type == SL_SCALAR_STR && !parses_as(v->str, false, &x))
            return "cannot be read as a float";
        return NULL;
    case SL_SCALAR_BOOL:
        if (v->type == SL_SCALAR_STR && strcasecmp(v->str, "true") && strcasecmp(v->str, "false"))
            return "is not true or false";
        return v->type == SL_SCALAR_STR ? NULL : "is not true or false";
    default:
        return NULL;
    }
}

static const char *scalar_type(const sl_node *n)
{
    static const char *const names[] = {"a null", "a bool", "an int", "a float", "a str"};
    return n->kind == SL_NODE_SCALAR ? names[n->type] : n->kind == SL_NODE_SEQ ? "a list" : "a dict";
}

/* The older pyconfig's isinstance(chain value, type(model value)): a bool
 * passes for an int, nothing else across types. */
static bool model_type_ok(const sl_node *chain, const sl_node *model)
{
    if (chain->kind != model->kind)
        return false;
    if (chain->kind != SL_NODE_SCALAR || chain->type == model->type)
        return true;
    return chain->type == SL_SCALAR_BOOL && model->type == SL_SCALAR_INT;
}

static void check_chain(const sl_lint_ctx *ctx, sl_findings *out)
{
    sl_arena *a = ctx->arena;
    const sl_config *c = ctx->config;
    for (size_t i = 0; i < c->override_values->n; i++) {
        const char *key = sl_node_text(c->override_values->keys[i]);
        const sl_node *v = c->override_values->items[i];
        const sl_node *yaml = sl_map_get(c->base_values, key);
        const char *why = yaml && !split_words(v) ? cli_refusal(yaml, v) : NULL;
        if (why && sl_tree_code_has(ctx->tree, "_yaml_types_to_parser"))
            report(ctx, out, key, v, sl_sprintf(a,
                "%s=%s %s, the type of its value in the YAML (%s), and MaxText's pyconfig "
                "refuses it", key, shown(a, v), why, shown(a, yaml)));
    }
    if (!c->model_values || !sl_tree_code_has(ctx->tree, "Type of key"))
        return;
    for (size_t i = 0; i < c->model_values->n; i++) {
        const char *key = sl_node_text(c->model_values->keys[i]);
        const sl_node *m = c->model_values->items[i];
        const sl_node *yaml = sl_map_get(c->base_values, key);
        if (yaml && strcmp(key, "logical_axis_rules") && !model_type_ok(yaml, m))
            report(ctx, out, key, m, sl_sprintf(a,
                "%s: %s in the model file is %s, but the YAML's value %s is %s, and "
                "MaxText's pyconfig refuses a model value of another type",
                key, shown(a, m), scalar_type(m), shown(a, yaml), scalar_type(yaml)));
    }
}

static void check(const sl_lint_ctx *ctx, sl_findings *out)
{
    if (sl_rule_tree_assumed(ctx))
        return;
    if (ctx->tree->key_source == SL_KEYS_FIELDS)
        check_fields(ctx, out);
    else if (ctx->tree->key_source == SL_KEYS_CHAIN)
        check_chain(ctx, out);
}

const sl_rule_def sl_rule_sl103 = {
    .id = "SL103",
    .name = "config-value-type",
    .summary = "A config value of a type MaxText's config refuses for its key",
    .doc = doc,
    .level = SL_LEVEL_ERROR,
    .tags = {"maxtext", "correctness", NULL},
    .check = check,
    .precision = "high",
};
