#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shardlint/rule.h"
#include "shardlint/limits.h"
#include "shardlint/scan.h"
#include "support.h"

static sl_arena *arena;

static void setup(void) { arena = sl_arena_new(); }
static void teardown(void) { sl_arena_free(arena); }

TestSuite(scan_sh, .init = setup, .fini = teardown);

/* The launches in the .expected format, one line per entry. */
static char *describe(const sl_vec *v)
{
    char *out = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&out, &n);
    for (size_t i = 0; i < v->n; i++) {
        const sl_launch *l = v->items[i];
        sl_devices d = sl_maxtext_launch_devices(arena, l->loc.file, l->ov, l->nov);
        fprintf(f, "launch %d:%d %s config=%s devices=%lld %s (%s)\n", l->loc.line, l->loc.col,
                l->entry_point, l->config ? l->config : "-", d.count,
                sl_devices_source_name(d.source), d.why ? d.why : "-");
        for (size_t k = 0; k < l->nov; k++)
            fprintf(f, "  ov %d:%d %s=%s\n", l->ov[k].loc.line, l->ov[k].loc.col, l->ov[k].key,
                    l->ov[k].text);
        for (size_t k = 0; k < l->nunresolved; k++)
            fprintf(f, "  unresolved %d:%d %s=%s\n", l->unresolved[k].loc.line,
                    l->unresolved[k].loc.col, l->unresolved[k].key, l->unresolved[k].text);
        for (size_t k = 0; k < l->nunknown; k++)
            fprintf(f, "  unknown %d:%d %s%s%s\n", l->unknown[k].loc.line, l->unknown[k].loc.col,
                    l->unknown[k].name, l->unknown[k].via ? " via " : "",
                    l->unknown[k].via ? l->unknown[k].via : "");
    }
    fclose(f);
    return out;
}

static sl_vec scan(const char *src)
{
    sl_vec v = {0};
    sl_err err;
    cr_assert_eq(sl_scan_sh_buf(arena, src, strlen(src), "t.sh", "/repo", &v, &err), 0);
    return v;
}

Test(scan_sh, fixture_matches_expected)
{
    sl_vec v = {0};
    sl_err err;
    cr_assert_eq(sl_scan_sh_file(arena, fixture("scan/checkout/scripts/launch.sh"), "/repo", &v,
                                 &err), 0, "%s", err.msg);
    char *expected = slurp(fixture("scan/checkout/scripts/launch.expected"));
    cr_assert_not_null(expected);
    char *body = strchr(expected, '\n') + 1; /* the header comment */
    char *got = describe(&v);
    cr_expect_str_eq(got, body);
    free(got);
    free(expected);
}

Test(scan_sh, override_word_points_at_its_line_and_column)
{
    sl_vec v = scan("python3 -m MaxText.train base.yml \\\n"
                    "   steps=3 \\\n"
                    "\t  \"ici_expert_parallelism=-1\"\n");
    cr_assert_eq(v.n, 1);
    const sl_launch *l = v.items[0];
    cr_assert_eq(l->nov, 2);
    cr_expect_eq(l->ov[0].loc.line, 2);
    cr_expect_eq(l->ov[0].loc.col, 4);
    cr_expect_str_eq(l->ov[1].key, "ici_expert_parallelism");
    cr_expect_str_eq(l->ov[1].text, "-1");
    cr_expect_eq(l->ov[1].loc.line, 3);
    cr_expect_eq(l->ov[1].loc.col, 4);
    cr_expect_str_eq(l->ov[1].loc.file, "t.sh");
    cr_expect_str_eq(l->config, "/repo/base.yml");
    cr_expect_eq(l->config_loc.col, 26);
}

Test(scan_sh, commented_out_and_quoted_launches_are_skipped)
{
    sl_vec v = scan("# python3 -m MaxText.train a.yml steps=1 \\\n"
                    "#   hardware=gpu\n"
                    "echo 'python3 -m MaxText.train a.yml'\n"
                    "python3 -m pip install maxtext\n"
                    "python3 other.py a.yml\n");
    cr_expect_eq(v.n, 0);
}

Test(scan_sh, defaults_assignments_and_unknowns)
{
    sl_vec v = scan("A=one\n"
                    "export B=\"$A/two\"\n"
                    "C=$(hostname)\n"
                    "unset A\n"
                    "python3 train.py ${CFG:-x}.yml a=$B b=${A:-dflt} c=$C d=${B:+set} e=$1\n");
    cr_assert_eq(v.n, 1);
    const sl_launch *l = v.items[0];
    cr_expect_str_eq(l->entry_point, "train.py");
    cr_expect_str_eq(l->config, "/repo/x.yml");
    cr_assert_eq(l->nov, 2);
    cr_expect_str_eq(l->ov[0].text, "one/two");
    cr_expect_str_eq(l->ov[1].text, "set");
    /* A was unset: neither its value nor a guess; the default is not taken
     * for a variable the script made unknown. */
    cr_assert_eq(l->nunresolved, 3);
    cr_expect_str_eq(l->unresolved[0].text, "${A:-dflt}");
    cr_expect_str_eq(l->unresolved[1].text, "$(hostname)");
    cr_expect_str_eq(l->unresolved[2].text, "$1");
    cr_assert_eq(l->nunknown, 3);
    cr_expect_str_eq(l->unknown[0].name, "A");
    cr_expect_eq(l->unknown[0].kind, SL_SH_UNSET);
    /* C is known to come from a command substitution: that is the cause
     * named, C the variable it reaches the word through. */
    cr_expect_str_eq(l->unknown[1].name, "$(hostname)");
    cr_expect_eq(l->unknown[1].kind, SL_SH_SUBSTITUTION);
    cr_expect_str_eq(l->unknown[1].via, "C");
    cr_expect_eq(l->unknown[1].cause_loc.line, 3);
    cr_expect_str_eq(l->unknown[1].word, "c=$C");
    cr_expect_str_eq(l->unknown[2].name, "$1");
    cr_expect_eq(l->unknown[2].kind, SL_SH_POSITIONAL);
}

Test(scan_sh, module_named_through_a_variable)
{
    sl_vec v = scan("export EXE=\"train\"\n"
                    "python3 -m maxtext.trainers.pre_train.$EXE cfg/base.yml steps=1\n"
                    "python3 -m maxtext.trainers.pre_train.$OTHER cfg/base.yml steps=1\n");
    cr_assert_eq(v.n, 2);
    cr_expect_str_eq(((sl_launch *)v.items[0])->entry_point, "maxtext.trainers.pre_train.train");
    cr_expect_str_eq(((sl_launch *)v.items[1])->entry_point,
                     "maxtext.trainers.pre_train.$OTHER");
    cr_expect_str_eq(((sl_launch *)v.items[1])->unknown[0].name, "OTHER");
}

Test(scan_sh, heredoc_body_is_not_a_command)
{
    sl_vec v = scan("cat <<EOF > run.sh\n"
                    "python3 -m MaxText.train a.yml\n"
                    "EOF\n"
                    "python3 -m MaxText.decode b.yml\n");
    cr_assert_eq(v.n, 1);
    cr_expect_eq(((sl_launch *)v.items[0])->loc.line, 4);
}

/* The device counts launches imply are MaxText knowledge the engine asks
 * the rules for; the launch words come from the scanner. */
Test(scan_sh, devices_from_hardware_and_topology)
{
    sl_vec v = scan("python3 -m MaxText.train a.yml hardware=gpu\n"
                    "python3 -m MaxText.train a.yml compile_topology=v5p-256\n"
                    "python3 -m MaxText.train a.yml hardware=tpu\n");
    cr_assert_eq(v.n, 3);
    const sl_launch *l[3] = {v.items[0], v.items[1], v.items[2]};
    sl_devices gpu = sl_maxtext_launch_devices(arena, "t.sh", l[0]->ov, l[0]->nov);
    cr_expect_eq(gpu.count, 8);
    cr_expect_eq(gpu.source, SL_DEVICES_LAUNCH);
    cr_expect_not(sl_devices_known(&gpu), "a GPU node's size is an assumption");
    cr_expect_eq(gpu.loc.col, 32);
    sl_devices topo = sl_maxtext_launch_devices(arena, "t.sh", l[1]->ov, l[1]->nov);
    cr_expect_eq(topo.count, 128);
    cr_expect(sl_devices_known(&topo), "a topology the launch compiles for is a fact");
    sl_devices none = sl_maxtext_launch_devices(arena, "configs/tpu/v6e/x.sh", l[2]->ov, l[2]->nov);
    cr_expect_eq(none.count, 0);
    cr_expect_eq(none.source, SL_DEVICES_DEFAULT);
    cr_expect(strstr(none.why, "tpu/v6e/ says TPU, not how many chips") != NULL, "%s", none.why);
    cr_expect_null(sl_maxtext_launch_devices(arena, "scripts/x.sh", l[2]->ov, l[2]->nov).why);

    const char *why;
    cr_expect_eq(sl_maxtext_tpu_devices(arena, "v5p-256", &why), 128);
    cr_expect(strstr(why, "2 per chip") != NULL);
    cr_expect_eq(sl_maxtext_tpu_devices(arena, "v4-8", NULL), 4);
    cr_expect_eq(sl_maxtext_tpu_devices(arena, "v5e-256", NULL), 256);
    cr_expect_eq(sl_maxtext_tpu_devices(arena, "v5litepod-16", NULL), 16);
    cr_expect_eq(sl_maxtext_tpu_devices(arena, "v6e-64", NULL), 64);
    cr_expect_eq(sl_maxtext_tpu_devices(arena, "v3-32", NULL), 32);
    cr_expect_eq(sl_maxtext_tpu_devices(arena, "a3-8", NULL), 0);
    cr_expect_eq(sl_maxtext_tpu_devices(arena, "v9x-8", NULL), 0);
    cr_expect_eq(sl_maxtext_tpu_devices(arena, "v5p-", NULL), 0);
    cr_expect_eq(sl_maxtext_tpu_devices(arena, "v5p-8x", NULL), 0);
}

Test(scan_sh, model_code_is_found_from_a_config)
{
    const char *src = sl_scan_find_source(arena, fixture("scan/checkout/src/maxtext/configs/base.yml"));
    cr_assert_not_null(src);
    cr_expect(strstr(src, "checkout/src/maxtext") != NULL);
    cr_expect_null(sl_scan_find_source(arena, fixture("scan/carriers.py")));
}

/* A launch kept in a variable is found where it runs, its words at the
 * places the script wrote them. */
Test(scan_sh, launches_run_from_variables)
{
    sl_vec v = scan("STEPS=5\n"
                    "CMD=\"python3 -m MaxText.train a.yml \\\n"
                    "  steps=$STEPS run_name=$RUN\"\n"
                    "CMD+=\" ici_tensor_parallelism=4\"\n"
                    "$CMD extra=1\n"
                    "eval \"$CMD\"\n"
                    "bash -c \"$CMD\"\n"
                    "xpk workload create --command \"$CMD\" --num-slices 2\n");
    cr_assert_eq(v.n, 4);
    for (size_t i = 0; i < v.n; i++) {
        const sl_launch *l = v.items[i];
        cr_expect_eq(l->loc.line, 2);
        cr_expect_eq(l->loc.col, 6);
        cr_expect_eq(l->config_loc.col, 31);
        cr_expect_str_eq(l->ov[0].key, "steps");
        cr_expect_str_eq(l->ov[0].text, "5");
        cr_expect_eq(l->ov[0].loc.line, 3);
        cr_expect_eq(l->ov[0].loc.col, 3);
        cr_expect_str_eq(l->ov[1].key, "ici_tensor_parallelism");
        cr_expect_eq(l->ov[1].loc.line, 4);
        cr_expect_eq(l->ov[1].loc.col, 8);
        cr_assert_eq(l->nunknown, 1);
        cr_expect_str_eq(l->unknown[0].name, "RUN");
        cr_expect_eq(l->unknown[0].loc.line, 3);
        cr_expect_eq(l->unknown[0].loc.col, 25);
    }
    const sl_launch *first = v.items[0];
    cr_assert_eq(first->nov, 3, "the words after $CMD end its command");
    cr_expect_str_eq(first->ov[2].key, "extra");
    cr_expect_eq(first->ov[2].loc.line, 5);
}

Test(scan_sh, words_of_an_expansion_are_split)
{
    sl_vec v = scan("ARGS=\"steps=2 ici_tensor_parallelism=4\"\n"
                    "python3 -m MaxText.train a.yml $ARGS \"$ARGS\"\n");
    cr_assert_eq(v.n, 1);
    const sl_launch *l = v.items[0];
    cr_assert_eq(l->nov, 3, "a quoted expansion is one word");
    cr_expect_str_eq(l->ov[1].key, "ici_tensor_parallelism");
    cr_expect_eq(l->ov[1].loc.line, 1);
    cr_expect_eq(l->ov[1].loc.col, 15);
    cr_expect_str_eq(l->ov[2].text, "2 ici_tensor_parallelism=4");
}

/* A `cd` moves relative paths; one to a folder that is not here makes them
 * unknown, and says so at the config word. */
Test(scan_sh, working_directory_follows_cd)
{
    sl_vec v = scan("cd /\n"
                    "python3 -m MaxText.train a.yml\n"
                    "cd /no/such/folder && python3 -m MaxText.train a.yml\n"
                    "python3 -m MaxText.train /abs/b.yml\n");
    cr_assert_eq(v.n, 3);
    cr_expect_str_eq(((sl_launch *)v.items[0])->config, "/a.yml");
    const sl_launch *l = v.items[1];
    cr_expect_null(l->config);
    cr_expect_null(l->cwd);
    cr_assert_eq(l->nunknown, 1);
    cr_expect_eq(l->unknown[0].kind, SL_SH_UNKNOWN_DIR);
    cr_expect_str_eq(l->unknown[0].name, "/no/such/folder");
    cr_expect_eq(l->unknown[0].role, SL_SH_WORD_CONFIG);
    cr_expect_eq(l->unknown[0].cause_loc.line, 3);
    cr_expect_str_eq(((sl_launch *)v.items[2])->config, "/abs/b.yml");
}

Test(scan_sh, config_argument_and_its_absence)
{
    sl_vec v = scan("for i in 1 2; do python3 -m MaxText.train $CFG steps=$i; done\n"
                    "python3 -m maxtext.trainers.pre_train.train steps=1\n"
                    "python3 src/maxtext/trainers/post_train/sft/train_sft.py\n");
    cr_assert_eq(v.n, 3);
    const sl_launch *l = v.items[0];
    cr_expect_null(l->config);
    cr_expect_str_eq(l->config_src, "$CFG");
    cr_assert_eq(l->nunknown, 2);
    cr_expect_eq(l->unknown[0].role, SL_SH_WORD_CONFIG);
    cr_expect_eq(l->unknown[1].kind, SL_SH_RUNTIME);
    cr_expect_str_eq(l->unknown[1].name, "for");
    cr_expect_str_eq(l->unknown[1].via, "i");
    cr_expect_null(((sl_launch *)v.items[1])->config_src);
    cr_expect(((sl_launch *)v.items[1])->module);
    cr_expect_not(((sl_launch *)v.items[2])->module);
    cr_expect_str_eq(((sl_launch *)v.items[2])->cwd, "/repo");
}

Test(scan_sh, broken_input)
{
    const char *broken[] = {"python3 -m MaxText.train \"a.yml", "x=${", "x=${A:-${B:-", "$(((",
                            "python3 -m MaxText.train a.yml k=`echo", "cat <<", "\\",
                            "A='$A'\n$A x\neval $A\n", "X=\"a $(\"\n$X", "eval", "bash -c",
                            "x --command=", "C='python3 -m MaxText.train a.yml \\'\n$C"};
    for (size_t i = 0; i < sizeof broken / sizeof *broken; i++) {
        sl_vec v = {0};
        sl_err err = {0};
        if (sl_scan_sh_buf(arena, broken[i], strlen(broken[i]), "t.sh", "/repo", &v, &err) != 0)
            cr_expect(err.msg[0] && err.loc.line > 0, "an error without a message or line: %s",
                      broken[i]);
    }
}

/* bash reads to the end of the file for a closing quote and refuses the
 * script there: the error names the opening quote. A quote closed on a
 * later line, and quotes in text a variable holds, are no error. */
Test(scan_sh, a_quote_never_closed_is_an_error_at_the_quote)
{
    const char *open[] = {"echo ok\npython3 -m MaxText.train a.yml run_name=\"x\n",
                          "echo ok\npython3 -m MaxText.train a.yml run_name='x\n"};
    for (size_t i = 0; i < 2; i++) {
        sl_vec v = {0};
        sl_err err;
        cr_assert_eq(sl_scan_sh_buf(arena, open[i], strlen(open[i]), "t.sh", "/repo", &v, &err),
                     -1, "%s", open[i]);
        cr_expect_eq(err.loc.line, 2);
        cr_expect_eq(err.loc.col, 41, "col %d", err.loc.col);
        cr_expect(strstr(err.msg, "this quote is never closed"), "%s", err.msg);
    }
    scan("python3 -m MaxText.train a.yml run_name=\"x\ny\" steps=1\n");
    scan("C=\"python3 -m MaxText.train a.yml run_name='x\"\n$C\n");
}

/* V1=$V0$V0 forty times: a 600-byte script that would expand to a
 * terabyte. The scan stops at the first word over the limit, with an error
 * at its line. */
Test(scan_sh, doubling_variables_stop_at_the_size_limit)
{
    char script[4096] = "V0=x\n";
    for (int i = 1; i <= 40; i++)
        snprintf(script + strlen(script), sizeof script - strlen(script), "V%d=$V%d$V%d\n", i,
                 i - 1, i - 1);
    strcat(script, "python3 -m MaxText.train base.yml run_name=$V40\n");
    sl_vec launches = {0};
    sl_err e;
    cr_assert_eq(sl_scan_sh_buf(arena, script, strlen(script), "bomb.sh", NULL, &launches, &e),
                 -1);
    /* V16's value is 65536 bytes, with "V16=" one word of 65540: the first
     * over the limit. */
    cr_expect_eq(e.loc.line, 17, "line %d: %s", e.loc.line, e.msg);
    cr_expect(strstr(e.msg, "expands to more than 65536 bytes"), "%s", e.msg);
    cr_expect_eq(launches.n, 0);
}

/* Many words under the per-word limit stop at the total one. */
Test(scan_sh, expansions_of_a_script_are_bounded_in_total)
{
    size_t first_past = (SL_SH_MAX_EXPANDED - 65534) / 32768 + 1, n = first_past + 10;
    char *script = malloc(n * 8 + 512);
    strcpy(script, "V0=x\n");
    for (int i = 1; i <= 15; i++)
        sprintf(script + strlen(script), "V%d=$V%d$V%d\n", i, i - 1, i - 1);
    for (size_t i = 0; i < n; i++)
        strcat(script, "W=$V15\n");
    sl_vec launches = {0};
    sl_err e;
    cr_assert_eq(sl_scan_sh_buf(arena, script, strlen(script), "many.sh", NULL, &launches, &e),
                 -1);
    /* V1..V15 expand 65534 bytes; each W=$V15 32768 more. */
    cr_expect_eq(e.loc.line, 16 + (int)first_past, "line %d: %s", e.loc.line, e.msg);
    free(script);
}
