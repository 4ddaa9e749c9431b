/* Output formats, on findings, problems and resolutions built by hand so
 * that each emitter is tested apart from the rules. */
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
    "## What\nTwo dims want one axis.\n\nThe first rule wins.", SL_LEVEL_WARNING,
    {"sharding", "moe", NULL}, NULL, "high", NULL};
static const sl_rule_def quiet = {
    "SL902", "quiet-axis", "An axis is inactive.", "An axis of size 1 shards nothing.",
    SL_LEVEL_NOTE, {NULL}, NULL, NULL, NULL};
static const sl_rule_def stray = {
    "SL903", "stray-rule", "Not in the rule list.", NULL, SL_LEVEL_ERROR, {NULL}, NULL, NULL, NULL};

static sl_arena *arena;
static sl_report report;
static sl_findings *const findings = &report.findings;

static sl_loc at(const char *file, int line, int col)
{
    return (sl_loc){.file = file, .line = line, .col = col};
}

static sl_finding *add_clash(int line)
{
    sl_finding *f = sl_findings_add(arena, findings, &clash, SL_LEVEL_WARNING,
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
    memset(&report, 0, sizeof report);
    add_clash(12);
    sl_finding *f = sl_findings_add(arena, findings, &quiet, SL_LEVEL_NOTE,
                                    (sl_loc){.word = 5},
                                    "ici_fsdp_parallelism=1 leaves fsdp inactive");
    f->key = "fsdp";
    sl_finding_related(arena, f, (sl_loc){.word = 2}, "the entry config");
    sl_finding_related(arena, f, at("configs/my dir/base.yml", 40, 1), "fsdp is declared here");
    f = sl_findings_add(arena, findings, &stray, SL_LEVEL_ERROR, at("configs/base.yml", 3, 1),
                        "mesh_axes names an unknown axis");
    f->key = "mesh_axes/bogus";
    sl_findings_sort(findings);
}

static void teardown(void)
{
    sl_arena_free(arena);
}

static void add_problem(sl_level level, sl_loc loc, const char *message)
{
    sl_problem *p = sl_alloc(arena, sizeof *p);
    *p = (sl_problem){.level = level, .loc = loc, .message = message};
    sl_vec_push(arena, &report.problems, p);
    report.nerrors += level == SL_LEVEL_ERROR;
}

typedef void (*emitter)(FILE *, const sl_report *, const sl_emit_opts *);

/* Emitter output as a malloc'd string. */
/* Not inlined: GCC 12 then takes the returned buffer for the address of the
 * local pointer open_memstream fills, and warns of a dangling pointer. */
static __attribute__((noinline)) char *emit(emitter fn, const sl_emit_opts *o)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    fn(out, &report, o);
    fclose(out);
    return buf;
}

static char *emit_text(const sl_emit_opts *o)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    sl_emit_text(out, findings, o);
    fclose(out);
    return buf;
}

static const sl_emit_opts plain = {.root = ".", .tool_version = "0.1.0"};

TestSuite(emit, .init = build, .fini = teardown);

Test(emit, text_matches_fixture)
{
    char *got = emit_text(&plain);
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
    char *got = emit_text(&o);
    cr_assert_not_null(strstr(got, "\033[1;33mwarning:\033[0m"));
    cr_assert_not_null(strstr(got, "\033[1;31merror:\033[0m"));
    free(got);
}

Test(emit, text_without_findings)
{
    findings->n = 0;
    char *got = emit_text(&plain);
    cr_assert_str_eq(got, "no findings\n");
    free(got);
}

/* A rule property whose name holds a dot, out of json_path()'s reach. */
static const char *rule_prop(cJSON *rule, const char *name)
{
    cJSON *x = cJSON_GetObjectItemCaseSensitive(json_path(rule, "properties"), name);
    return cJSON_IsString(x) ? x->valuestring : NULL;
}

/* "0123456789abcdef:N" */
static void assert_fingerprint(const char *fp, int n)
{
    char want[8];
    snprintf(want, sizeof want, ":%d", n);
    cr_assert_eq(strspn(fp, "0123456789abcdef"), 16, "not 16 hex digits: %s", fp);
    cr_assert_str_eq(fp + 16, want);
}

Test(emit, json_fields_and_key_order)
{
    char *text = emit(sl_emit_json, &plain);
    cJSON *j = json_parse(text);
    cr_assert_eq(json_num(j, "version"), 1);
    /* Sorted: command-line first (no file), then configs/base.yml, then moe.yml. */
    cr_assert_eq(json_num(j, "findings.0.location.command_line_word"), 5);
    cr_assert_str_eq(json_str(j, "findings.1.rule"), "SL903");
    cr_assert_str_eq(json_str(j, "findings.2.name"), "axis-clash");
    cr_assert_str_eq(json_str(j, "findings.2.level"), "warning");
    cr_assert_str_eq(json_str(j, "findings.2.location.file"), "configs/moe.yml");
    cr_assert_eq(json_num(j, "findings.2.location.line"), 12);
    cr_assert_eq(json_num(j, "findings.2.location.column"), 5);
    cr_assert_str_eq(json_str(j, "findings.2.notes.1"),
                     "XLA then gathers the expert weights instead of an AllToAll.");
    cr_assert_eq(json_num(j, "findings.2.related.0.location.line"), 578);
    cr_assert_str_eq(json_str(j, "findings.2.fixes.0.override"),
                     "moe_dispatch_no_expert_sharding=true");
    cr_assert(cJSON_IsTrue(json_path(j, "findings.2.fixes.0.verified")));
    cr_assert(cJSON_IsNull(json_path(j, "findings.2.fixes.1.override")));
    cr_assert_eq(json_num(j, "findings.2.fixes.1.edits.0.end.column"), 46);
    cr_assert_str_eq(json_str(j, "findings.2.scenario"), "expert-parallel probe");
    cr_assert(cJSON_IsNull(json_path(j, "findings.0.scenario")));
    assert_fingerprint(json_str(j, "findings.2.fingerprint"), 1);
    cr_assert_eq(cJSON_GetArraySize(json_path(j, "problems")), 0);
    cr_assert_eq(json_num(j, "summary.error"), 1);
    cr_assert_eq(json_num(j, "summary.warning"), 1);
    cr_assert_eq(json_num(j, "summary.note"), 1);
    static const char *const keys[] = {"rule", "name", "level", "message", "location", "notes",
                                       "related", "fixes", "scenario", "fingerprint", NULL};
    cJSON *k = json_path(j, "findings.2")->child;
    for (size_t i = 0; keys[i]; i++, k = k ? k->next : NULL)
        cr_assert(k && strcmp(k->string, keys[i]) == 0, "key %zu is not %s", i, keys[i]);
    cr_assert_null(k);
    cJSON_Delete(j);
    free(text);
}

/* Problems as the engine reports them: the same input error met by two
 * targets, an error at a command-line word, a word left out of a script. */
static void add_problems(void)
{
    add_problem(SL_LEVEL_ERROR, at("configs/broken.yml", 4, 1), "could not parse YAML");
    add_problem(SL_LEVEL_ERROR, (sl_loc){.word = 3}, "override key '' is not a config key name");
    add_problem(SL_LEVEL_WARNING, at("run.sh", 7, 20), "unknown variable RUN_NAME");
    add_problem(SL_LEVEL_ERROR, at("configs/broken.yml", 4, 1), "could not parse YAML");
}

Test(emit, json_lists_each_problem_once)
{
    add_problems();
    char *text = emit(sl_emit_json, &plain);
    cJSON *j = json_parse(text);
    cr_assert_eq(cJSON_GetArraySize(json_path(j, "problems")), 3);
    cr_assert_str_eq(json_str(j, "problems.0.level"), "error");
    cr_assert_str_eq(json_str(j, "problems.0.message"), "could not parse YAML");
    cr_assert_str_eq(json_str(j, "problems.0.location.file"), "configs/broken.yml");
    cr_assert_eq(json_num(j, "problems.0.location.line"), 4);
    cr_assert_eq(json_num(j, "problems.1.location.command_line_word"), 3);
    cr_assert_str_eq(json_str(j, "problems.2.level"), "warning");
    cJSON_Delete(j);
    free(text);
}

/* Lead bytes and continuation bytes in their places (a rough check: the
 * emitters' own is stricter). */
static bool valid_utf8(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        int n = *p < 0x80           ? 0
                : (*p & 0xe0) == 0xc0 ? 1
                : (*p & 0xf0) == 0xe0 ? 2
                : (*p & 0xf8) == 0xf0 ? 3
                                      : -1;
        if (n < 0 || (n == 1 && *p < 0xc2))
            return false;
        for (int i = 0; i < n; i++)
            if ((*++p & 0xc0) != 0x80)
                return false;
    }
    return true;
}

/* A file name in Latin-1, a truncated sequence and an encoded surrogate:
 * the documents stay UTF-8, the bytes that are not become U+FFFD. */
Test(emit, json_and_sarif_are_utf8_whatever_the_paths)
{
    findings->n = 0;
    sl_findings_add(arena, findings, &clash, SL_LEVEL_WARNING, at("configs/caf\xe9.yml", 3, 1),
                    "tensor 'm\xc3' \xed\xa0\x80 clashes in r\xc3\xa9sum\xc3\xa9");
    add_problem(SL_LEVEL_ERROR, at("configs/\xff.yml", 1, 1), "cannot read");
    emitter fns[] = {sl_emit_json, sl_emit_sarif};
    for (size_t i = 0; i < 2; i++) {
        char *text = emit(fns[i], &plain);
        cr_assert(valid_utf8(text), "not UTF-8:\n%s", text);
        cr_assert_not_null(strstr(text, "r\xc3\xa9sum\xc3\xa9"), "valid text was changed");
        cr_assert_not_null(strstr(text, "m\xef\xbf\xbd' \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"));
        cJSON_Delete(json_parse(text));
        free(text);
    }
    char *text = emit(sl_emit_sarif, &plain);
    cJSON *j = json_parse(text);
    cr_assert_str_eq(json_str(j, "runs.0.results.0.locations.0.physicalLocation.artifactLocation.uri"),
                     "configs/caf%E9.yml");
    cJSON_Delete(j);
    free(text);
}

Test(emit, github_escapes_data_and_properties)
{
    findings->n = 0;
    sl_finding *f = sl_findings_add(arena, findings, &clash, SL_LEVEL_NOTE,
                                    at("odd,dir:x/100%.yml", 7, 2), "50% done\r\nnext: a, b");
    sl_finding_note(arena, f, "why");
    char *got = emit(sl_emit_github, &(sl_emit_opts){0});
    cr_assert_str_eq(got, "::notice file=odd%2Cdir%3Ax/100%25.yml,line=7,col=2,"
                          "title=SL901 axis-clash::50%25 done%0D%0Anext: a, b%0Awhy\n");
    free(got);
}

/* Nothing a scanned name holds can end the command or start another: the
 * output has one line per annotation, and each `::` in it is ours. */
Test(emit, github_names_cannot_start_a_command)
{
    findings->n = 0;
    static const char evil[] = "a::error::b,c:d%0A\r\n::warning file=x::e";
    sl_finding *f = sl_findings_add(arena, findings, &clash, SL_LEVEL_WARNING,
                                    at(sl_sprintf(arena, "cfg/%s.yml", evil), 3, 1),
                                    sl_sprintf(arena, "tensor '%s' loses expert", evil));
    sl_finding_note(arena, f, sl_sprintf(arena, "logical name %s", evil));
    sl_finding_related(arena, f, at(sl_sprintf(arena, "%s.py", evil), 9, 1), evil);
    add_problem(SL_LEVEL_ERROR, at(sl_sprintf(arena, "%s.yml", evil), 2, 5), evil);
    char *got = emit(sl_emit_github, &(sl_emit_opts){0});
    cr_assert_str_eq(got,
        "::warning file=cfg/a%3A%3Aerror%3A%3Ab%2Cc%3Ad%250A%0D%0A%3A%3Awarning file=x%3A%3Ae.yml,"
        "line=3,col=1,title=SL901 axis-clash::tensor 'a::error::b,c:d%250A%0D%0A::warning "
        "file=x::e' loses expert%0Alogical name a::error::b,c:d%250A%0D%0A::warning file=x::e"
        "%0Aa::error::b,c:d%250A%0D%0A::warning file=x::e.py:9:1: a::error::b,c:d%250A%0D%0A"
        "::warning file=x::e\n"
        "::error file=a%3A%3Aerror%3A%3Ab%2Cc%3Ad%250A%0D%0A%3A%3Awarning file=x%3A%3Ae.yml,"
        "line=2,col=5,title=SL900 input-error::a::error::b,c:d%250A%0D%0A::warning file=x::e\n");
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

/* Input errors are SL900 annotations; a word left out is a warning of the
 * run, under no rule. */
Test(emit, github_reports_problems)
{
    add_problems();
    char *got = emit(sl_emit_github, &plain);
    const char *tail = strstr(got, "::error file=configs/broken.yml");
    cr_assert_not_null(tail, "%s", got);
    cr_assert_str_eq(tail, "::error file=configs/broken.yml,line=4,col=1,title=SL900 "
                           "input-error::could not parse YAML\n"
                           "::error title=SL900 input-error::command line, word 3: override "
                           "key '' is not a config key name\n"
                           "::warning file=run.sh,line=7,col=20::unknown variable RUN_NAME\n");
    free(got);
}

static cJSON *sarif(const sl_emit_opts *o)
{
    char *text = emit(sl_emit_sarif, o);
    cJSON *j = json_parse(text);
    free(text);
    return j;
}

/* The result for `rule_id`, whose ruleIndex must point at that rule. */
static cJSON *sarif_result(cJSON *log, const char *rule_id)
{
    cJSON *rules = json_path(log, "runs.0.tool.driver.rules"), *r;
    cJSON_ArrayForEach(r, json_path(log, "runs.0.results"))
    {
        if (strcmp(json_str(r, "ruleId"), rule_id) != 0)
            continue;
        int idx = (int)json_num(r, "ruleIndex");
        cr_assert_str_eq(json_str(cJSON_GetArrayItem(rules, idx), "id"), rule_id);
        return r;
    }
    cr_assert_fail("no result for %s", rule_id);
    return NULL;
}

Test(emit, sarif_rules_and_rule_index)
{
    cJSON *j = sarif(&plain);
    cr_assert_str_eq(json_str(j, "version"), "2.1.0");
    cr_assert_str_eq(json_str(j, "runs.0.tool.driver.version"), "0.1.0");
    cr_assert_eq(cJSON_GetArraySize(json_path(j, "runs.0.tool.driver.rules")), 3);
    cJSON *rule = json_path(j, "runs.0.tool.driver.rules.0");
    cr_assert_str_eq(json_str(rule, "id"), "SL901");
    cr_assert_str_eq(json_str(rule, "properties.tags.1"), "moe");
    cr_assert_str_eq(json_str(rule, "properties.precision"), "high");
    cr_assert_str_eq(rule_prop(rule, "problem.severity"), "warning");
    cr_assert_null(cJSON_GetObjectItem(json_path(rule, "properties"), "security-severity"));
    cr_assert_str_eq(json_str(rule, "fullDescription.text"), "Two dims want one axis.");
    cr_assert_str_eq(json_str(rule, "help.markdown"), clash.doc);
    cr_assert_str_eq(json_str(rule, "helpUri"),
                     "https://github.com/shardlint/shardlint/blob/main/docs/rules/SL901.md");
    cr_assert_str_eq(json_str(j, "runs.0.tool.driver.rules.1.defaultConfiguration.level"), "note");
    cr_assert_str_eq(rule_prop(json_path(j, "runs.0.tool.driver.rules.1"), "problem.severity"),
                     "recommendation");
    cr_assert_null(cJSON_GetObjectItem(json_path(j, "runs.0.tool.driver.rules.1.properties"),
                                       "precision"));
    cr_assert_str_eq(json_str(j, "runs.0.tool.driver.rules.2.id"), "SL903");
    cr_assert_str_eq(json_str(j, "runs.0.columnKind"), "unicodeCodePoints");
    sarif_result(j, "SL901");
    sarif_result(j, "SL902");
    sarif_result(j, "SL903");
    cJSON_Delete(j);
}

/* driver.rules describes the rules the log names, and no other: a rule
 * added to shardlint changes no log it has nothing in. */
Test(emit, sarif_describes_only_the_rules_it_uses)
{
    findings->n = 1;
    cJSON *j = sarif(&plain);
    cr_assert_eq(cJSON_GetArraySize(json_path(j, "runs.0.tool.driver.rules")), 1);
    cJSON_Delete(j);
    findings->n = 0;
    j = sarif(&plain);
    cr_assert_eq(cJSON_GetArraySize(json_path(j, "runs.0.tool.driver.rules")), 0);
    cr_assert(cJSON_IsTrue(json_path(j, "runs.0.invocations.0.executionSuccessful")));
    cJSON_Delete(j);
}

static const char *message_of(cJSON *j, const char *rule_id)
{
    return json_str(sarif_result(j, rule_id), "message.text");
}

/* The headline, then what to do: the preferred fix, its verification, the
 * word for the command line and the edit to paste, the other fix; then the
 * related location as a link; the notes last. */
Test(emit, sarif_message_says_what_to_do)
{
    cJSON *j = sarif(&plain);
    cr_assert_str_eq(message_of(j, "SL901"),
                     "activation_exp loses expert to activation_batch_moe.\n"
                     "Fix: Resolve the dispatch dims on their own.\n"
                     "Verified: linting again with the fix reports nothing.\n"
                     "On the command line: moe_dispatch_no_expert_sharding=true\n"
                     "Edit configs/moe.yml, line 2, column 1: insert\n"
                     "    moe_dispatch_no_expert_sharding: true\n"
                     "Other fix: Give the batch dim a rule without expert.\n"
                     "Involved: [activation_batch_moe takes expert first here](0).\n"
                     "The expert dim of the dispatch tensor is replicated.\n"
                     "XLA then gathers the expert weights instead of an AllToAll.");
    const char *md = json_str(sarif_result(j, "SL901"), "message.markdown");
    cr_assert_not_null(strstr(md, "**Fix:** Resolve the dispatch dims on their own.\n\n"));
    cr_assert_not_null(strstr(md, "On the command line: `moe_dispatch_no_expert_sharding=true`"));
    cr_assert_not_null(strstr(md, "Edit `configs/moe.yml`, line 2, column 1: insert\n\n```\n"
                                  "moe_dispatch_no_expert_sharding: true\n```"));
    cr_assert_not_null(strstr(md, "Involved: [activation\\_batch\\_moe takes expert first "
                                  "here](0)."));
    /* SARIF fixes are edits: both fixes edit files, both are there. */
    cJSON *r = sarif_result(j, "SL901");
    cr_assert_eq(cJSON_GetArraySize(json_path(r, "fixes")), 2);
    cr_assert_eq(json_num(r, "fixes.1.artifactChanges.0.replacements.0.deletedRegion.endColumn"), 46);
    cr_assert_str_eq(json_str(r, "fixes.0.artifactChanges.0.replacements.0.insertedContent.text"),
                     "moe_dispatch_no_expert_sharding: true\n");
    cJSON_Delete(j);
}

/* A fix nobody prefers is only possible; one never re-linted says so; a
 * fix that is only a word is in the message and not among SARIF's fixes. */
Test(emit, sarif_message_for_an_unverified_fix)
{
    findings->n = 0;
    sl_finding *f = sl_findings_add(arena, findings, &clash, SL_LEVEL_WARNING,
                                    at("configs/a.yml", 3, 1), "a clash");
    sl_finding_fix(arena, f, "Set `x` to [1, 2].")->override = "x=[1,2]";
    cJSON *j = sarif(&plain);
    cr_assert_str_eq(message_of(j, "SL901"),
                     "a clash.\n"
                     "Possible fix: Set `x` to [1, 2].\n"
                     "Not verified: shardlint did not lint the patched config.\n"
                     "On the command line: x=[1,2]");
    cr_assert_null(cJSON_GetObjectItem(sarif_result(j, "SL901"), "fixes"));
    cJSON_Delete(j);
}

/* A note's locations: a related one becomes a link labelled with its
 * file's base name and line; brackets in link text are escaped as SARIF's
 * plain-text links require; a built-in default is not a location. */
Test(emit, sarif_links_related_locations)
{
    findings->n = 0;
    sl_finding *f = sl_findings_add(arena, findings, &clash, SL_LEVEL_WARNING,
                                    at("configs/a.yml", 3, 1), "a clash");
    sl_finding_related(arena, f, at("configs/base.yml", 88, 5), "rule ['b', ['c']] first");
    sl_finding_related(arena, f, (sl_loc){0}, "a default");
    sl_finding_related(arena, f, (sl_loc){.word = 4}, "the override");
    sl_finding_note(arena, f, "`b` -> [c] (configs/base.yml:88:5) wins, not "
                              "xconfigs/base.yml:88:5 or configs/base.yml:88:50 (configs/a.yml:3:1).");
    cJSON *j = sarif(&plain);
    cr_assert_str_eq(message_of(j, "SL901"),
                     "a clash.\n"
                     "Involved: [rule \\['b', \\['c'\\]\\] first](0); a default; command line, "
                     "word 4: the override.\n"
                     "`b` -> [c] ([base.yml:88](0)) wins, not xconfigs/base.yml:88:5 or "
                     "configs/base.yml:88:50 (configs/a.yml:3:1).");
    const char *md = json_str(sarif_result(j, "SL901"), "message.markdown");
    cr_assert_not_null(strstr(md, "`b` -\\> \\[c\\] ([base.yml:88](0)) wins"), "%s", md);
    cr_assert_eq(json_num(sarif_result(j, "SL901"), "relatedLocations.2.id"), 2);
    cJSON_Delete(j);
}

Test(emit, sarif_uris_relative_to_the_root)
{
    sl_emit_opts o = plain;
    o.root = "/srv/repo/";
    findings->n = 0;
    sl_findings_add(arena, findings, &clash, SL_LEVEL_WARNING,
                    at("/srv/repo/./configs/a b#1.yml", 3, 4), "inside");
    sl_findings_add(arena, findings, &quiet, SL_LEVEL_NOTE, at("/elsewhere/x.yml", 1, 1),
                    "outside");
    cJSON *j = sarif(&o);
    cr_assert_null(cJSON_GetObjectItem(json_path(j, "runs.0"), "originalUriBaseIds"),
                   "the log must not depend on where the checkout is");
    cJSON *in = sarif_result(j, "SL901");
    cJSON *art = json_path(in, "locations.0.physicalLocation.artifactLocation");
    cr_assert_str_eq(json_str(art, "uri"), "configs/a%20b%231.yml");
    cr_assert_str_eq(json_str(art, "uriBaseId"), "%SRCROOT%");
    cr_assert_null(cJSON_GetObjectItem(art, "properties"));
    cr_assert_eq(json_num(in, "locations.0.physicalLocation.region.startLine"), 3);
    cr_assert_eq(json_num(in, "locations.0.physicalLocation.region.startColumn"), 4);
    art = json_path(sarif_result(j, "SL902"), "locations.0.physicalLocation.artifactLocation");
    cr_assert_str_eq(json_str(art, "uri"), "file:///elsewhere/x.yml");
    cr_assert_null(cJSON_GetObjectItem(art, "uriBaseId"));
    cr_assert(cJSON_IsTrue(json_path(art, "properties.outsideRoot")));
    cJSON_Delete(j);
}

Test(emit, sarif_command_line_finding_uses_related_file)
{
    cJSON *j = sarif(&plain);
    cJSON *r = sarif_result(j, "SL902");
    cr_assert_str_eq(json_str(r, "locations.0.physicalLocation.artifactLocation.uri"),
                     "configs/my%20dir/base.yml");
    cr_assert_eq(strncmp(json_str(r, "message.text"), "command line, word 5: ", 22), 0);
    cr_assert_null(cJSON_GetObjectItem(json_path(r, "relatedLocations.0"), "physicalLocation"));
    cr_assert_str_eq(json_str(r, "relatedLocations.0.message.text"),
                     "command line, word 2: the entry config");
    cr_assert_eq(json_num(r, "relatedLocations.1.id"), 1);
    cJSON_Delete(j);
}

/* Code scanning rejects a whole log when one result has no file: a finding
 * with no file anywhere is a notification of the run instead. */
Test(emit, sarif_finding_in_no_file_is_a_notification)
{
    findings->n = 0;
    sl_finding *f = sl_findings_add(arena, findings, &quiet, SL_LEVEL_NOTE, (sl_loc){.word = 5},
                                    "only words");
    sl_finding_related(arena, f, (sl_loc){.word = 2}, "the entry config");
    cJSON *j = sarif(&plain);
    cr_assert_eq(cJSON_GetArraySize(json_path(j, "runs.0.results")), 0);
    cJSON *n = json_path(j, "runs.0.invocations.0.toolExecutionNotifications.0");
    cr_assert_str_eq(json_str(n, "level"), "note");
    cr_assert_eq(strncmp(json_str(n, "message.text"), "command line, word 5: only words.", 33), 0);
    cr_assert_str_eq(json_str(n, "associatedRule.id"), "SL902");
    cr_assert_null(cJSON_GetObjectItem(n, "locations"));
    cJSON_Delete(j);
}

/* Every input error in a file is an SL900 result there; every problem is a
 * notification; the invocation did not succeed. */
Test(emit, sarif_reports_problems)
{
    add_problems();
    cJSON *j = sarif(&plain);
    cJSON *r = sarif_result(j, "SL900");
    cr_assert_str_eq(json_str(r, "level"), "error");
    cr_assert_str_eq(json_str(r, "message.text"),
                     "could not parse YAML.\nNothing that depends on this input was linted.");
    cr_assert_str_eq(json_str(r, "locations.0.physicalLocation.artifactLocation.uri"),
                     "configs/broken.yml");
    cr_assert_eq(json_num(r, "locations.0.physicalLocation.region.startLine"), 4);
    assert_fingerprint(json_str(r, "partialFingerprints.primaryLocationLineHash"), 1);
    cr_assert_eq(cJSON_GetArraySize(json_path(j, "runs.0.results")), 4, "one SL900 result");
    cJSON *inv = json_path(j, "runs.0.invocations.0");
    cr_assert(cJSON_IsFalse(json_path(inv, "executionSuccessful")));
    cr_assert_eq(cJSON_GetArraySize(json_path(inv, "toolExecutionNotifications")), 3);
    cr_assert_str_eq(json_str(inv, "toolExecutionNotifications.1.message.text"),
                     "command line, word 3: override key '' is not a config key name");
    cr_assert_str_eq(json_str(inv, "toolExecutionNotifications.1.associatedRule.id"), "SL900");
    cr_assert_str_eq(json_str(inv, "toolExecutionNotifications.2.level"), "warning");
    cr_assert_eq(json_num(inv, "toolExecutionNotifications.2.locations.0.physicalLocation.region."
                             "startColumn"), 20);
    cr_assert_null(cJSON_GetObjectItem(json_path(inv, "toolExecutionNotifications.2"),
                                       "associatedRule"));
    cJSON_Delete(j);
}

static char *fingerprint_of(const char *rule_id, const sl_emit_opts *o)
{
    cJSON *j = sarif(o);
    cJSON *fps = json_path(sarif_result(j, rule_id), "partialFingerprints");
    char *fp = strdup(json_str(fps, "shardlintFingerprint/v2"));
    cr_assert_str_eq(json_str(fps, "primaryLocationLineHash"), fp,
                     "code scanning matches alerts by primaryLocationLineHash only");
    cJSON_Delete(j);
    return fp;
}

Test(emit, sarif_fingerprints_stable_across_runs_and_lines)
{
    char *first = fingerprint_of("SL901", &plain);
    assert_fingerprint(first, 1);
    char *again = fingerprint_of("SL901", &plain);
    cr_assert_str_eq(first, again);
    findings->n = 0;
    sl_finding *f = add_clash(40);
    f->related[0].loc.line = 600;
    char *moved = fingerprint_of("SL901", &plain);
    cr_assert_str_eq(first, moved, "a line shift changed the fingerprint");
    f->key = "moe.dense.mlp/expert";
    char *other = fingerprint_of("SL901", &plain);
    cr_assert_str_neq(first, other);
    f->key = "moe.dense.dispatch/expert";
    f->related[0].loc.file = "configs/other.yml";
    char *elsewhere = fingerprint_of("SL901", &plain);
    cr_assert_str_neq(first, elsewhere, "the files of related locations are part of it");
    free(first);
    free(again);
    free(moved);
    free(other);
    free(elsewhere);
}

/* A scanned site's key holds its file and line ("layers/x.py:120 f: v"):
 * the line does not enter the fingerprint, nor the working directory the
 * file was named from. */
Test(emit, sarif_fingerprints_of_scanned_sites)
{
    const char *fp[3];
    const char *files[] = {"src/layers/x.py", "src/layers/x.py", "checkout/src/layers/x.py"};
    const char *roots[] = {".", ".", "checkout"};
    int lines[] = {120, 121, 120};
    for (int i = 0; i < 3; i++) {
        findings->n = 0;
        sl_finding *f = sl_findings_add(arena, findings, &clash, SL_LEVEL_WARNING,
                                        at("configs/base.yml", 5, 1), "a clash");
        f->key = sl_sprintf(arena, "SL901:%s:%d f: v:0:expert", files[i], lines[i]);
        sl_finding_related(arena, f, at(files[i], lines[i], 9), "tensor");
        f->loc.file = i == 2 ? "checkout/configs/base.yml" : "configs/base.yml";
        sl_emit_opts o = plain;
        o.root = roots[i];
        char *s = fingerprint_of("SL901", &o);
        fp[i] = sl_strdup(arena, s);
        free(s);
    }
    cr_assert_str_eq(fp[0], fp[1], "the scanned site's line changed the fingerprint");
    cr_assert_str_eq(fp[0], fp[2], "the working directory changed the fingerprint");
}

/* Two results with one identity (two launches of a script with the same
 * problem) are two alerts: :1 and :2, in the log's order. */
Test(emit, sarif_fingerprints_count_repeats)
{
    findings->n = 0;
    add_clash(12);
    add_clash(30);
    cJSON *j = sarif(&plain);
    const char *a = json_str(j, "runs.0.results.0.partialFingerprints.primaryLocationLineHash");
    const char *b = json_str(j, "runs.0.results.1.partialFingerprints.primaryLocationLineHash");
    assert_fingerprint(a, 1);
    assert_fingerprint(b, 2);
    cr_assert_eq(strncmp(a, b, 16), 0);
    cJSON_Delete(j);
}

Test(emit, json_and_sarif_share_fingerprints)
{
    char *fp = fingerprint_of("SL901", &plain);
    char *text = emit(sl_emit_json, &plain);
    cJSON *j = json_parse(text);
    cr_assert_str_eq(json_str(j, "findings.2.rule"), "SL901");
    cr_assert_str_eq(json_str(j, "findings.2.fingerprint"), fp);
    cJSON_Delete(j);
    free(text);
    free(fp);
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
    add_problems();
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
    memset(&report, 0, sizeof report);
    axes[0] = (sl_axis){.name = "data", .size = 1, .ici = 1, .dcn = 1,
                        .ici_key = "ici_data_parallelism", .ici_loc = at("configs/base.yml", 90, 23)};
    axes[1] = (sl_axis){.name = "fsdp", .size = 2, .ici = 2, .dcn = 1,
                        .ici_key = "ici_fsdp_parallelism", .ici_loc = {.word = 4}};
    axes[2] = (sl_axis){.name = "expert", .size = 4, .ici = 4, .dcn = 1, .ici_filled = true,
                        .ici_key = "ici_expert_parallelism", .ici_loc = {.word = 3}};
    axes[3] = (sl_axis){.name = "attn_dp", .size = 1, .ici = 1, .dcn = 1};
    res = (sl_lint_result){.mesh_ok = true,
                           .mesh = {.axes = axes, .naxes = 4, .devices = 8, .slices = 1,
                                    .devices_from = {8, SL_DEVICES_LAUNCH, "hardware=gpu", {0}}},
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
    cJSON *j = json_parse(text);
    cr_assert_eq(json_num(j, "mesh.devices"), 8);
    cr_assert_str_eq(json_str(j, "mesh.devices_source.source"), "launch");
    cr_assert(cJSON_IsTrue(json_path(j, "mesh.devices_source.assumed")));
    cr_assert_str_eq(json_str(j, "mesh.devices_source.why"), "hardware=gpu");
    cr_assert_str_eq(json_str(j, "mesh.axes.2.name"), "expert");
    cr_assert(cJSON_IsTrue(json_path(j, "mesh.axes.2.active")));
    cr_assert(cJSON_IsFalse(json_path(j, "mesh.axes.0.active")));
    cr_assert_eq(json_num(j, "mesh.axes.2.ici"), 4);
    cJSON *t = json_path(j, "tensors.0");
    cr_assert_str_eq(json_str(t, "name"), "moe.dense.dispatch");
    cr_assert_str_eq(json_str(t, "origin"), "catalog");
    cr_assert_eq(json_num(t, "source.line"), 120);
    cr_assert(cJSON_IsNull(json_path(t, "logical.2")));
    cr_assert(cJSON_IsNull(json_path(t, "physical.0")), "a dim with no axis left is null");
    cr_assert_str_eq(json_str(t, "physical.1.1"), "expert");
    cr_assert(cJSON_IsNull(json_path(t, "physical.3")));
    cr_assert(cJSON_IsNull(json_path(t, "dims.0.rule")));
    cr_assert_eq(json_num(t, "dims.1.rule.index"), 40);
    cr_assert_eq(json_num(t, "dims.1.rule.line"), 578);
    cr_assert_str_eq(json_str(t, "dims.0.lost.0.axis"), "expert");
    cr_assert_eq(json_num(t, "dims.0.lost.0.to_dim"), 1);
    cr_assert_eq(json_num(t, "dims.0.lost.0.by_rule.line"), 578);
    cr_assert_eq(json_num(t, "dims.0.lost.0.rule.line"), 590);
    cr_assert_eq(cJSON_GetArraySize(json_path(t, "dims.1.lost")), 0);
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
    cJSON *j = json_parse(text);
    cr_assert(cJSON_IsNull(json_path(j, "mesh")));
    cr_assert_eq(cJSON_GetArraySize(json_path(j, "tensors")), 0);
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
