/* Output formats, on findings and resolutions built by hand so that each
 * emitter is tested apart from the rules. */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shardlint/emit.h"
#include "support.h"

static const sl_rule_def clash = {
    "SL901", "axis-clash", "Two dims of one tensor want the same mesh axis.",
    "Two dims want one axis.\n\nThe first rule wins.", SL_LEVEL_WARNING,
    {"sharding", "moe", NULL}, NULL};
static const sl_rule_def quiet = {
    "SL902", "quiet-axis", "An axis is inactive.", "An axis of size 1 shards nothing.",
    SL_LEVEL_NOTE, {NULL}, NULL};
/* Referenced by a finding only: SARIF must still describe it. */
static const sl_rule_def stray = {
    "SL903", "stray-rule", "Not in the rule list.", NULL, SL_LEVEL_ERROR, {NULL}, NULL};

static const sl_rule_def *const test_rules[] = {&clash, &quiet};

static sl_arena *arena;
static sl_findings findings;

static sl_loc at(const char *file, int line, int col)
{
    return (sl_loc){.file = file, .line = line, .col = col};
}

static sl_finding *add_clash(int line)
{
    sl_finding *f = sl_findings_add(arena, &findings, &clash, SL_LEVEL_WARNING,
                                    at("configs/moe.yml", line, 5),
                                    "activation_exp loses expert to activation_batch_moe");
    f->key = "moe.dense.dispatch/expert";
    f->scenario = "expert-parallel probe";
    sl_finding_note(arena, f, "The expert dim of the dispatch tensor is replicated.");
    sl_finding_note(arena, f, "XLA then gathers the expert weights instead of an AllToAll.");
    sl_finding_related(arena, f, at("configs/base.yml", 578, 3),
                       "activation_batch_moe takes expert first here");
    sl_fix *x = sl_finding_fix(arena, f, "Resolve the dispatch dims on their own.");
    x->override = "moe_dispatch_no_expert_sharding=true";
    x->verified = x->removes = x->preferred = true;
    x->verify_note = "linting again with the fix reports nothing";
    sl_fix_edit(arena, x, at("configs/moe.yml", 2, 1), at("configs/moe.yml", 2, 1),
                "moe_dispatch_no_expert_sharding: true\n");
    sl_fix *y = sl_finding_fix(arena, f, "Give the batch dim a rule without expert.");
    sl_fix_edit(arena, y, at("configs/base.yml", 578, 3), at("configs/base.yml", 578, 46),
                "['activation_batch_no_exp', ['data', 'fsdp']]");
    return f;
}

static void build(void)
{
    arena = sl_arena_new();
    memset(&findings, 0, sizeof findings);
    add_clash(12);
    sl_finding *f = sl_findings_add(arena, &findings, &quiet, SL_LEVEL_NOTE,
                                    (sl_loc){.word = 5},
                                    "ici_fsdp_parallelism=1 leaves fsdp inactive");
    f->key = "fsdp";
    sl_finding_related(arena, f, (sl_loc){.word = 2}, "the entry config");
    sl_finding_related(arena, f, at("configs/my dir/base.yml", 40, 1), "fsdp is declared here");
    f = sl_findings_add(arena, &findings, &stray, SL_LEVEL_ERROR, at("configs/base.yml", 3, 1),
                        "mesh_axes names an unknown axis");
    f->key = "mesh_axes/bogus";
    sl_findings_sort(&findings);
}

static void teardown(void)
{
    sl_arena_free(arena);
}

typedef void (*emitter)(FILE *, const sl_findings *, const sl_emit_opts *);

/* Emitter output as a malloc'd string. */
static char *emit(emitter fn, const sl_emit_opts *o)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    fn(out, &findings, o);
    fclose(out);
    return buf;
}

static const sl_emit_opts plain = {
    .base_dir = ".", .tool_version = "0.1.0", .rules = test_rules, .nrules = 2};

TestSuite(emit, .init = build, .fini = teardown);

Test(emit, text_matches_fixture)
{
    char *got = emit(sl_emit_text, &plain);
    char *want = slurp(fixture("emit/basic.txt"));
    cr_assert_not_null(want);
    cr_assert_str_eq(got, want);
    cr_assert_null(strchr(got, '\033'), "colour without opts->color");
    free(got);
    free(want);
}

Test(emit, text_colour_only_when_asked)
{
    sl_emit_opts o = plain;
    o.color = true;
    char *got = emit(sl_emit_text, &o);
    cr_assert_not_null(strstr(got, "\033[1;33mwarning:\033[0m"));
    cr_assert_not_null(strstr(got, "\033[1;31merror:\033[0m"));
    free(got);
}

Test(emit, text_without_findings)
{
    findings.n = 0;
    char *got = emit(sl_emit_text, &plain);
    cr_assert_str_eq(got, "no findings\n");
    free(got);
}

static cJSON *parse(const char *text)
{
    cJSON *j = cJSON_Parse(text);
    cr_assert_not_null(j, "output is not JSON:\n%s", text);
    return j;
}

static cJSON *path(cJSON *j, const char *p)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", p);
    for (char *save = NULL, *k = strtok_r(buf, ".", &save); k && j; k = strtok_r(NULL, ".", &save))
        j = cJSON_IsArray(j) ? cJSON_GetArrayItem(j, atoi(k)) : cJSON_GetObjectItemCaseSensitive(j, k);
    cr_assert_not_null(j, "no %s", p);
    return j;
}

static const char *str_at(cJSON *j, const char *p)
{
    cJSON *x = path(j, p);
    cr_assert(cJSON_IsString(x), "%s is not a string", p);
    return x->valuestring;
}

static double num_at(cJSON *j, const char *p)
{
    cJSON *x = path(j, p);
    cr_assert(cJSON_IsNumber(x), "%s is not a number", p);
    return x->valuedouble;
}

Test(emit, json_fields_and_key_order)
{
    char *text = emit(sl_emit_json, &plain);
    cJSON *j = parse(text);
    cr_assert_eq(num_at(j, "version"), 1);
    /* Sorted: command-line first (no file), then configs/base.yml, then moe.yml. */
    cr_assert_eq(num_at(j, "findings.0.location.command_line_word"), 5);
    cr_assert_str_eq(str_at(j, "findings.1.rule"), "SL903");
    cr_assert_str_eq(str_at(j, "findings.2.name"), "axis-clash");
    cr_assert_str_eq(str_at(j, "findings.2.level"), "warning");
    cr_assert_str_eq(str_at(j, "findings.2.location.file"), "configs/moe.yml");
    cr_assert_eq(num_at(j, "findings.2.location.line"), 12);
    cr_assert_eq(num_at(j, "findings.2.location.column"), 5);
    cr_assert_str_eq(str_at(j, "findings.2.notes.1"),
                     "XLA then gathers the expert weights instead of an AllToAll.");
    cr_assert_eq(num_at(j, "findings.2.related.0.location.line"), 578);
    cr_assert_str_eq(str_at(j, "findings.2.fixes.0.override"),
                     "moe_dispatch_no_expert_sharding=true");
    cr_assert(cJSON_IsTrue(path(j, "findings.2.fixes.0.verified")));
    cr_assert(cJSON_IsNull(path(j, "findings.2.fixes.1.override")));
    cr_assert_eq(num_at(j, "findings.2.fixes.1.edits.0.end.column"), 46);
    cr_assert_str_eq(str_at(j, "findings.2.scenario"), "expert-parallel probe");
    cr_assert(cJSON_IsNull(path(j, "findings.0.scenario")));
    cr_assert_eq(strlen(str_at(j, "findings.2.fingerprint")), 16);
    cr_assert_eq(num_at(j, "summary.error"), 1);
    cr_assert_eq(num_at(j, "summary.warning"), 1);
    cr_assert_eq(num_at(j, "summary.note"), 1);
    static const char *const keys[] = {"rule", "name", "level", "message", "location", "notes",
                                       "related", "fixes", "scenario", "fingerprint", NULL};
    cJSON *k = path(j, "findings.2")->child;
    for (size_t i = 0; keys[i]; i++, k = k ? k->next : NULL)
        cr_assert(k && strcmp(k->string, keys[i]) == 0, "key %zu is not %s", i, keys[i]);
    cr_assert_null(k);
    cJSON_Delete(j);
    free(text);
}

Test(emit, github_escapes_data_and_properties)
{
    findings.n = 0;
    sl_finding *f = sl_findings_add(arena, &findings, &clash, SL_LEVEL_NOTE,
                                    at("odd,dir:x/100%.yml", 7, 2), "50% done\r\nnext: a, b");
    sl_finding_note(arena, f, "why");
    char *got = emit(sl_emit_github, &(sl_emit_opts){0});
    cr_assert_str_eq(got, "::notice file=odd%2Cdir%3Ax/100%25.yml,line=7,col=2,"
                          "title=SL901 axis-clash::50%25 done%0D%0Anext: a, b%0Awhy\n");
    free(got);
}

Test(emit, github_levels_and_command_line_words)
{
    char *got = emit(sl_emit_github, &plain);
    cr_assert_not_null(strstr(got, "::notice title=SL902 quiet-axis::command line, word 5: "));
    cr_assert_not_null(strstr(got, "::error file=configs/base.yml,line=3,col=1,title=SL903"));
    cr_assert_not_null(strstr(got, "::warning file=configs/moe.yml,line=12,col=5,"));
    free(got);
}

/* The result for `rule_id`, whose ruleIndex must point at that rule. */
static cJSON *sarif_result(cJSON *log, const char *rule_id)
{
    cJSON *rules = path(log, "runs.0.tool.driver.rules"), *r;
    cJSON_ArrayForEach(r, path(log, "runs.0.results"))
    {
        if (strcmp(str_at(r, "ruleId"), rule_id) != 0)
            continue;
        int idx = (int)num_at(r, "ruleIndex");
        cr_assert_str_eq(str_at(cJSON_GetArrayItem(rules, idx), "id"), rule_id);
        return r;
    }
    cr_assert_fail("no result for %s", rule_id);
    return NULL;
}

Test(emit, sarif_rules_and_rule_index)
{
    sl_finding *f = findings.items[2];
    cr_assert_str_eq(f->rule->id, "SL901");
    sl_finding_fix(arena, f, "Only an override, nothing to edit.")->override = "a=1";
    char *text = emit(sl_emit_sarif, &plain);
    cJSON *j = parse(text);
    cr_assert_str_eq(str_at(j, "version"), "2.1.0");
    cr_assert_str_eq(str_at(j, "runs.0.tool.driver.version"), "0.1.0");
    cr_assert_eq(cJSON_GetArraySize(path(j, "runs.0.tool.driver.rules")), 3);
    cr_assert_str_eq(str_at(j, "runs.0.tool.driver.rules.2.id"), "SL903");
    cr_assert_str_eq(str_at(j, "runs.0.tool.driver.rules.0.properties.tags.1"), "moe");
    cr_assert_str_eq(str_at(j, "runs.0.tool.driver.rules.0.fullDescription.text"),
                     "Two dims want one axis.");
    cr_assert_str_eq(str_at(j, "runs.0.tool.driver.rules.0.help.markdown"), clash.doc);
    cr_assert_str_eq(str_at(j, "runs.0.tool.driver.rules.1.defaultConfiguration.level"), "note");
    cr_assert_str_eq(str_at(j, "runs.0.columnKind"), "unicodeCodePoints");
    cJSON *r = sarif_result(j, "SL901");
    cr_assert_str_eq(str_at(r, "level"), "warning");
    cr_assert_str_eq(str_at(r, "message.text"),
                     "activation_exp loses expert to activation_batch_moe\n"
                     "The expert dim of the dispatch tensor is replicated.\n"
                     "XLA then gathers the expert weights instead of an AllToAll.");
    /* SARIF fixes are edits: the override-only fix is left out. */
    cr_assert_eq(cJSON_GetArraySize(path(r, "fixes")), 2);
    cr_assert_eq(num_at(r, "fixes.1.artifactChanges.0.replacements.0.deletedRegion.endColumn"), 46);
    cr_assert_str_eq(str_at(r, "fixes.0.artifactChanges.0.replacements.0.insertedContent.text"),
                     "moe_dispatch_no_expert_sharding: true\n");
    sarif_result(j, "SL902");
    sarif_result(j, "SL903");
    cJSON_Delete(j);
    free(text);
}

Test(emit, sarif_uris_relative_to_base)
{
    sl_emit_opts o = plain;
    o.base_dir = "/srv/repo/";
    findings.n = 0;
    sl_findings_add(arena, &findings, &clash, SL_LEVEL_WARNING,
                    at("/srv/repo/./configs/a b#1.yml", 3, 4), "inside");
    sl_findings_add(arena, &findings, &quiet, SL_LEVEL_NOTE, at("/elsewhere/x.yml", 1, 1),
                    "outside");
    char *text = emit(sl_emit_sarif, &o);
    cJSON *j = parse(text);
    cr_assert_null(cJSON_GetObjectItem(path(j, "runs.0"), "originalUriBaseIds"),
                   "the log must not depend on where the checkout is");
    cJSON *in = sarif_result(j, "SL901");
    cJSON *art = path(in, "locations.0.physicalLocation.artifactLocation");
    cr_assert_str_eq(str_at(art, "uri"), "configs/a%20b%231.yml");
    cr_assert_str_eq(str_at(art, "uriBaseId"), "%SRCROOT%");
    cr_assert_eq(num_at(in, "locations.0.physicalLocation.region.startLine"), 3);
    cr_assert_eq(num_at(in, "locations.0.physicalLocation.region.startColumn"), 4);
    art = path(sarif_result(j, "SL902"), "locations.0.physicalLocation.artifactLocation");
    cr_assert_str_eq(str_at(art, "uri"), "file:///elsewhere/x.yml");
    cr_assert_null(cJSON_GetObjectItem(art, "uriBaseId"));
    cJSON_Delete(j);
    free(text);
}

Test(emit, sarif_command_line_finding_uses_related_file)
{
    char *text = emit(sl_emit_sarif, &plain);
    cJSON *j = parse(text);
    cJSON *r = sarif_result(j, "SL902");
    cr_assert_str_eq(str_at(r, "locations.0.physicalLocation.artifactLocation.uri"),
                     "configs/my%20dir/base.yml");
    cr_assert_eq(strncmp(str_at(r, "message.text"), "command line, word 5: ", 22), 0);
    cr_assert_null(cJSON_GetObjectItem(path(r, "relatedLocations.0"), "physicalLocation"));
    cr_assert_str_eq(str_at(r, "relatedLocations.0.message.text"),
                     "command line, word 2: the entry config");
    cr_assert_eq(num_at(r, "relatedLocations.1.id"), 1);
    cJSON_Delete(j);
    free(text);
}

static char *fingerprint_of(const char *rule_id)
{
    char *text = emit(sl_emit_sarif, &plain);
    cJSON *j = parse(text);
    char *fp = strdup(str_at(sarif_result(j, rule_id), "partialFingerprints.shardlintFingerprint/v1"));
    cJSON_Delete(j);
    free(text);
    return fp;
}

Test(emit, sarif_fingerprints_stable_across_runs_and_lines)
{
    char *first = fingerprint_of("SL901");
    char *again = fingerprint_of("SL901");
    cr_assert_str_eq(first, again);
    findings.n = 0;
    add_clash(40);
    char *moved = fingerprint_of("SL901");
    cr_assert_str_eq(first, moved, "a line shift changed the fingerprint");
    findings.items[0]->key = "moe.dense.mlp/expert";
    char *other = fingerprint_of("SL901");
    cr_assert_str_neq(first, other);
    free(first);
    free(again);
    free(moved);
    free(other);
}

Test(emit, json_and_sarif_share_fingerprints)
{
    char *sarif = fingerprint_of("SL901");
    char *text = emit(sl_emit_json, &plain);
    cJSON *j = parse(text);
    cr_assert_str_eq(str_at(j, "findings.2.rule"), "SL901");
    cr_assert_str_eq(str_at(j, "findings.2.fingerprint"), sarif);
    cJSON_Delete(j);
    free(text);
    free(sarif);
}

static void write_and_validate(const char *text, bool want_valid)
{
    char msg[4096];
    int status = sarif_validate(text, msg, sizeof msg);
    if (want_valid)
        cr_assert_eq(status, 0, "SARIF does not validate:\n%s", msg);
    else
        cr_assert_neq(status, 0, "the validator accepted an invalid log");
}

Test(emit, sarif_validates_against_schema)
{
    char *text = emit(sl_emit_sarif, &plain);
    write_and_validate(text, true);
    /* The harness itself must reject what the schema forbids. */
    char *bad = strstr(text, "\"2.1.0\"");
    cr_assert_not_null(bad);
    memcpy(bad, "\"9.9.9\"", 7);
    write_and_validate(text, false);
    free(text);
}

/* `shardlint resolve` on a hand-built result: the Mixtral dispatch tensor
 * whose expert dim lost `expert` to the batch dim. */
static sl_lint_result res;
static sl_axis axes[4];
static sl_rule rules[3];
static sl_spec spec;
static sl_resolved tensor;
static sl_dim dims[4];
static sl_loss loss;
static const char *batch_axes[] = {"data", "fsdp", "expert"};
static const char *batch_phys[] = {"fsdp", "expert"};

static void build_result(void)
{
    arena = sl_arena_new();
    memset(&findings, 0, sizeof findings);
    axes[0] = (sl_axis){.name = "data", .size = 1, .ici = 1, .dcn = 1,
                        .ici_key = "ici_data_parallelism", .ici_loc = at("configs/base.yml", 90, 23)};
    axes[1] = (sl_axis){.name = "fsdp", .size = 2, .ici = 2, .dcn = 1,
                        .ici_key = "ici_fsdp_parallelism", .ici_loc = {.word = 4}};
    axes[2] = (sl_axis){.name = "expert", .size = 4, .ici = 4, .dcn = 1, .ici_filled = true,
                        .ici_key = "ici_expert_parallelism", .ici_loc = {.word = 3}};
    axes[3] = (sl_axis){.name = "attn_dp", .size = 1, .ici = 1, .dcn = 1};
    res = (sl_lint_result){.mesh_ok = true,
                           .mesh = {.axes = axes, .naxes = 4, .devices = 8, .slices = 1},
                           .tensors = &tensor, .ntensors = 1};
    rules[0] = (sl_rule){.name = "activation_batch_moe", .loc = at("configs/base.yml", 578, 3), .index = 40};
    rules[1] = (sl_rule){.name = "activation_exp", .loc = at("configs/base.yml", 590, 3), .index = 52};
    rules[2] = (sl_rule){.name = "activation_embed_moe", .loc = at("configs/base.yml", 580, 3), .index = 42};
    spec = (sl_spec){.name = "moe.dense.dispatch", .origin = "catalog",
                     .logical = {"activation_exp", "activation_batch_moe", NULL, "activation_embed_moe"},
                     .ndims = 4, .loc = at("layers/moe.py", 120, 9), .keep_dim = 0};
    loss = (sl_loss){.rule = &rules[1], .axis = "expert", .by_dim = 1, .by_rule = &rules[0]};
    tensor = (sl_resolved){.spec = &spec, .dims = dims, .ndims = 4};
    tensor.dims[0] = (sl_dim){.logical = "activation_exp", .losses = &loss, .nlosses = 1};
    tensor.dims[1] = (sl_dim){.logical = "activation_batch_moe", .rule = &rules[0],
                              .axes = batch_axes, .naxes = 3, .axes_is_list = true,
                              .physical = batch_phys, .nphysical = 2};
    tensor.dims[3] = (sl_dim){.logical = "activation_embed_moe", .rule = &rules[2]};
}

typedef void (*resolve_emitter)(FILE *, const sl_lint_result *);

static char *emit_result(resolve_emitter fn)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    fn(out, &res);
    fclose(out);
    return buf;
}

TestSuite(resolve, .init = build_result, .fini = teardown);

Test(resolve, text_matches_fixture)
{
    char *got = emit_result(sl_emit_resolve_text);
    char *want = slurp(fixture("emit/resolve.txt"));
    cr_assert_not_null(want);
    cr_assert_str_eq(got, want);
    free(got);
    free(want);
}

Test(resolve, json_fields)
{
    char *text = emit_result(sl_emit_resolve_json);
    cJSON *j = parse(text);
    cr_assert_eq(num_at(j, "mesh.devices"), 8);
    cr_assert_str_eq(str_at(j, "mesh.axes.2.name"), "expert");
    cr_assert(cJSON_IsTrue(path(j, "mesh.axes.2.active")));
    cr_assert(cJSON_IsFalse(path(j, "mesh.axes.0.active")));
    cr_assert_eq(num_at(j, "mesh.axes.2.ici"), 4);
    cJSON *t = path(j, "tensors.0");
    cr_assert_str_eq(str_at(t, "name"), "moe.dense.dispatch");
    cr_assert_str_eq(str_at(t, "origin"), "catalog");
    cr_assert_eq(num_at(t, "source.line"), 120);
    cr_assert(cJSON_IsNull(path(t, "logical.2")));
    cr_assert(cJSON_IsNull(path(t, "physical.0")), "a dim with no axis left is null");
    cr_assert_str_eq(str_at(t, "physical.1.1"), "expert");
    cr_assert(cJSON_IsNull(path(t, "physical.3")));
    cr_assert(cJSON_IsNull(path(t, "dims.0.rule")));
    cr_assert_eq(num_at(t, "dims.1.rule.index"), 40);
    cr_assert_eq(num_at(t, "dims.1.rule.line"), 578);
    cr_assert_str_eq(str_at(t, "dims.0.lost.0.axis"), "expert");
    cr_assert_eq(num_at(t, "dims.0.lost.0.to_dim"), 1);
    cr_assert_eq(num_at(t, "dims.0.lost.0.by_rule.line"), 578);
    cr_assert_eq(num_at(t, "dims.0.lost.0.rule.line"), 590);
    cr_assert_eq(cJSON_GetArraySize(path(t, "dims.1.lost")), 0);
    cJSON_Delete(j);
    free(text);
}

Test(resolve, without_a_mesh)
{
    res.mesh_ok = false;
    res.ntensors = 0;
    char *got = emit_result(sl_emit_resolve_text);
    cr_assert_str_eq(got, "mesh: not built\n");
    free(got);
    char *text = emit_result(sl_emit_resolve_json);
    cJSON *j = parse(text);
    cr_assert(cJSON_IsNull(path(j, "mesh")));
    cr_assert_eq(cJSON_GetArraySize(path(j, "tensors")), 0);
    cJSON_Delete(j);
    free(text);
}

Test(resolve, dcn_keys_only_with_slices)
{
    axes[2].dcn_key = "dcn_expert_parallelism";
    axes[2].dcn = 2;
    axes[2].size = 8;
    axes[2].dcn_loc = at("configs/base.yml", 120, 25);
    char *one = emit_result(sl_emit_resolve_text);
    cr_assert_null(strstr(one, "dcn_"), "DCN shown for a single slice");
    res.mesh.slices = 2;
    char *two = emit_result(sl_emit_resolve_text);
    cr_assert_not_null(strstr(two, "mesh: 8 devices x 2 slices\n"));
    cr_assert_not_null(strstr(two, "  * expert   8  ici_expert_parallelism=-1 (filled) at command "
                                   "line, word 3  dcn_expert_parallelism=2 at configs/base.yml:120\n"));
    free(one);
    free(two);
}

Test(resolve, catalog_spec_names_its_code_site)
{
    static const sl_site site = {.id = "moe.dense.dispatch", .file = "layers/moe.py",
                                 .function = "dense_matmul"};
    spec.loc = (sl_loc){0};
    spec.site = &site;
    char *got = emit_result(sl_emit_resolve_text);
    cr_assert_not_null(strstr(got, "\nmoe.dense.dispatch (catalog) in layers/moe.py, dense_matmul\n"));
    free(got);
}
