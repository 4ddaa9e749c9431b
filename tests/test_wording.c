/* Every note that states what a rule did on the mesh is checked against the
 * resolver's record of that run: which rule filled or skipped each dim, which
 * dim took which axis, and the axis sizes. The fixtures reproduce the cases
 * the words tell apart: a batch rule blocked by another dim's rule taking a
 * size-1 axis, a batch rule with only size-1 axes, and contentions. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "shardlint/engine.h"
#include "shardlint/rule.h"
#include "support.h"

static sl_arena *A;
static sl_session *S;

static void setup(void)
{
    A = sl_arena_new();
    S = sl_session_new();
}

static void teardown(void)
{
    sl_session_free(S);
    sl_arena_free(A);
}

TestSuite(wording, .init = setup, .fini = teardown);

static sl_lint_result lint(const char *path, const char *const *words, long long devices)
{
    sl_override ov[16];
    size_t nov = 0;
    sl_err e;
    for (; words && words[nov]; nov++)
        cr_assert_eq(sl_override_parse(A, words[nov], (sl_loc){.word = (int)nov + 1}, &ov[nov],
                                       &e), 0, "%s", e.msg);
    const char *paths[] = {fixture(path)};
    sl_check_opts o = {.paths = paths, .npaths = 1, .ov = ov, .nov = nov, .devices = devices};
    sl_lint_result r;
    sl_report rep;
    cr_assert_eq(sl_session_resolve(S, &o, A, &r, &rep), 0, "%s does not lint", path);
    return r;
}

/* The text between `open` and the next `close` after `from`, or NULL. */
static const char *between(const char *from, const char *open, const char *close)
{
    const char *p = from ? strstr(from, open) : NULL;
    if (!p)
        return NULL;
    p += strlen(open);
    const char *q = strstr(p, close);
    return q ? sl_strndup(A, p, (size_t)(q - p)) : NULL;
}

/* A note's text after `prefix`, without its final period; NULL when the
 * note does not start so. */
static const char *rest(const char *note, const char *prefix)
{
    size_t n = strlen(prefix), len = strlen(note);
    if (strncmp(note, prefix, n) != 0 || len <= n)
        return NULL;
    return sl_strndup(A, note + n, len - n - (note[len - 1] == '.'));
}

static const sl_resolved *tensor(const sl_lint_result *r, const char *name)
{
    for (size_t i = 0; i < r->ntensors; i++)
        if (strcmp(r->tensors[i].spec->name, name) == 0)
            return &r->tensors[i];
    cr_assert_fail("no tensor %s", name);
    return NULL;
}

/* The tensors an SL002 finding is about: its message's, its related
 * locations', its "Tensors:"/"Also:" note's. */
static size_t finding_tensors(const sl_lint_result *r, const sl_finding *f,
                              const sl_resolved **out, size_t max)
{
    size_t n = 0;
    const char *one = between(f->message, "tensor '", "'");
    if (one)
        out[n++] = tensor(r, one);
    for (size_t i = 0; i < f->nrelated && n < max; i++) {
        const char *name = between(f->related[i].message, "tensor '", "'");
        if (name && (!one || strcmp(name, one) != 0))
            out[n++] = tensor(r, name);
    }
    for (size_t i = 0; i < f->nnotes; i++) {
        const char *list = rest(f->notes[i], "Tensors: ");
        list = list ? list : rest(f->notes[i], "Also: ");
        for (char *tok = list ? strtok(sl_strdup(A, list), ", ") : NULL; tok && n < max;
             tok = strtok(NULL, ", "))
            out[n++] = tensor(r, tok);
    }
    return n;
}

static int batch_dim_of(const sl_resolved *t, const char *name)
{
    for (size_t d = 0; d < t->ndims; d++)
        if (t->dims[d].logical && strcmp(t->dims[d].logical, name) == 0)
            return (int)d;
    return -1;
}

/* "`name` -> [...] ... gives the batch dim only axes of size 1": that rule
 * filled the batch dim and none of its axes is larger than 1. */
static void check_size1(const sl_lint_result *r, const sl_resolved *t, const char *note)
{
    const char *name = between(note, "`", "`");
    const sl_dim *d = &t->dims[batch_dim_of(t, name)];
    cr_assert_not_null(d->rule, "%s: no rule filled %s, yet: %s", t->spec->name, name, note);
    cr_expect_str_eq(d->rule->name, name);
    for (size_t i = 0; i < d->naxes; i++)
        cr_expect_eq(sl_mesh_size(&r->mesh, d->axes[i]), 1, "%s: '%s' is not size 1: %s",
                     t->spec->name, d->axes[i], note);
}

/* "`name` -> [...] could not apply: another dim ... had already taken 'axis'
 * through `b` -> ... or `c` -> ...": the batch dim lost that rule to one of
 * those rules over that axis. */
static void check_blocked(const sl_resolved *t, const char *note)
{
    const char *name = between(note, "`", "`");
    const char *axis = between(note, "taken '", "'");
    const sl_dim *d = &t->dims[batch_dim_of(t, name)];
    bool found = false;
    for (size_t i = 0; i < d->nlosses; i++) {
        const sl_loss *l = &d->losses[i];
        const char *by = sl_sprintf(A, "through `%s`", l->by_rule->name);
        const char *or = sl_sprintf(A, "or `%s`", l->by_rule->name);
        found |= strcmp(l->rule->name, name) == 0 && strcmp(l->axis, axis) == 0 &&
                 (strstr(note, by) || strstr(note, or));
    }
    cr_expect(found, "%s: the resolver records no such loss: %s", t->spec->name, note);
}

static void check_sl002(const sl_lint_result *r, const sl_finding *f)
{
    const sl_resolved *ts[64];
    size_t n = finding_tensors(r, f, ts, 64);
    cr_assert_gt(n, 0, "no tensor named in: %s", f->message);
    for (size_t i = 0; i < f->nnotes; i++) {
        const char *note = f->notes[i];
        const char *small = between(note, "'", "' has size 1 on this mesh");
        if (small)
            cr_expect_eq(sl_mesh_size(&r->mesh, small), 1, "%s", note);
        for (size_t k = 0; k < n; k++) {
            if (strstr(note, "gives the batch dim only axes of size 1"))
                check_size1(r, ts[k], note);
            if (strstr(note, "could not apply: another dim"))
                check_blocked(ts[k], note);
        }
    }
}

/* "Rule order decides: `X` -> ... comes before `Y` -> ..., so dim M (...)
 * takes 'A' first and dim N (...) cannot have it." and "Consequence: dim N
 * (...) is replicated over the K devices of 'A'." */
static void check_sl001(const sl_lint_result *r, const sl_finding *f)
{
    const sl_resolved *t = tensor(r, between(f->message, "tensor '", "'"));
    for (size_t i = 0; i < f->nnotes; i++) {
        const char *note = f->notes[i];
        int by, lost;
        long long k;
        char axis[64];
        const char *order = strstr(note, ", so dim ");
        if (strncmp(note, "Rule order decides: `", 21) == 0 && order &&
            sscanf(order, ", so dim %d (%*[^)]) takes '%63[^']' first and dim %d", &by, axis,
                   &lost) == 3) {
            const char *winner = between(note, "`", "`");
            const char *loser = between(strstr(note, " comes before "), "`", "`");
            bool found = false;
            for (size_t l = 0; l < t->dims[lost].nlosses; l++) {
                const sl_loss *x = &t->dims[lost].losses[l];
                found |= x->by_dim == by && strcmp(x->axis, axis) == 0 &&
                         strcmp(x->by_rule->name, winner) == 0 && strcmp(x->rule->name, loser) == 0 &&
                         x->by_rule->index < x->rule->index;
            }
            cr_expect(found, "the resolver records no such loss: %s", note);
        }
        if (sscanf(note, "Consequence: dim %d (%*[^)]) is replicated over the %lld devices of '%63[^']'",
                   &lost, &k, axis) == 3) {
            cr_expect_not(sl_dim_has_active_axis(&t->dims[lost], &r->mesh), "%s", note);
            cr_expect_eq(sl_mesh_size(&r->mesh, axis), k, "%s", note);
        }
    }
}

/* Checks every note of every SL001 and SL002 finding; returns how many
 * findings it checked, so a case cannot pass by reporting nothing. */
static size_t check_all(const sl_lint_result *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->findings.n; i++) {
        const sl_finding *f = r->findings.items[i];
        if (strcmp(f->rule->id, "SL001") == 0)
            check_sl001(r, f);
        else if (strcmp(f->rule->id, "SL002") == 0)
            check_sl002(r, f);
        else
            continue;
        n++;
    }
    return n;
}

static const char *note_with(const sl_lint_result *r, const char *rule, const char *text)
{
    for (size_t i = 0; i < r->findings.n; i++) {
        const sl_finding *f = r->findings.items[i];
        for (size_t k = 0; strcmp(f->rule->id, rule) == 0 && k < f->nnotes; k++)
            if (strstr(f->notes[k], text))
                return f->notes[k];
    }
    return NULL;
}

/* One node of 8 GPUs, all of it expert-parallel, on the dense MoE path. */
static const char *const EP[] = {"ici_expert_parallelism=-1", "ici_fsdp_parallelism=1",
                                 "capacity_factor=1.25", "sparse_matmul=False", NULL};

/* The batch rule blocked by prefill rules taking 'data' (size 1) first. */
Test(wording, blocked_batch_rule)
{
    sl_lint_result r = lint("precision/src/maxtext/configs/post_train/prefill.yml", NULL, 8);
    cr_expect_eq(check_all(&r), 1);
    cr_expect_not_null(note_with(&r, "SL002", "could not apply: another dim"));
    cr_expect_null(note_with(&r, "SL002", "only axes of size 1"));
}

/* The batch rule applied, but every axis it lists has size 1. */
Test(wording, batch_rule_of_size_one_axes)
{
    sl_lint_result r = lint("trees/batch-moe-no-expert/configs/models/mixtral-8x7b.yml", EP, 8);
    cr_expect_eq(check_all(&r), 1);
    cr_expect_not_null(note_with(&r, "SL002", "only axes of size 1"));
    cr_expect_null(note_with(&r, "SL002", "could not apply"));
}

/* Contentions: the expert double map, and a family file's two rules for one
 * axis. */
Test(wording, contentions)
{
    sl_lint_result r = lint("example/configs/models/mixtral-8x7b.yml", EP, 8);
    cr_expect_eq(check_all(&r), 2);
    cr_expect_not_null(note_with(&r, "SL001", "Rule order decides"));
    const char *const v4[] = {"model_name=tiny-v4", NULL};
    r = lint("precision/src/maxtext/configs/base.yml", v4, 8);
    cr_expect_eq(check_all(&r), 1);
    cr_expect_not_null(note_with(&r, "SL001", "is replicated over the 8 devices of 'fsdp'"));
}
