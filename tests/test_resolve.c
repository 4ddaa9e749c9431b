/* Logical-to-mesh resolution: flax's rule walk, size-1 removal, losses, and
 * the peeled MoE dispatch path. */
#include <criterion/criterion.h>
#include <string.h>

#include "shardlint/model.h"

#define MAX_RULES 16

static sl_arena *A;
static sl_rule R[MAX_RULES];
static size_t NR;
static sl_mesh M;
static sl_resolved OUT;
static sl_err E;
static sl_spec_error SE;

static void setup(void)
{
    A = sl_arena_new();
    NR = 0;
    memset(&M, 0, sizeof M);
}

static void teardown(void)
{
    sl_arena_free(A);
}

TestSuite(resolve, .init = setup, .fini = teardown);

/* Appends [name, mesh] with mesh written as YAML ("expert", "[data, fsdp]", "null"). */
static const sl_rule *rule(const char *name, const char *mesh)
{
    cr_assert_lt(NR, MAX_RULES);
    sl_node *n = NULL;
    cr_assert_eq(sl_yaml_parse_value(A, mesh, (sl_loc){"r.yml", (int)NR + 1, 1, 0}, &n, &E), 0,
                 "%s", E.msg);
    R[NR] = (sl_rule){.name = name, .mesh = n, .loc = n->loc, .index = NR};
    return &R[NR++];
}

static void axis(const char *name, long long size)
{
    sl_axis *grown = sl_alloc(A, (M.naxes + 1) * sizeof *grown);
    if (M.naxes)
        memcpy(grown, M.axes, M.naxes * sizeof *grown);
    grown[M.naxes++] = (sl_axis){.name = name, .size = size, .ici = size, .dcn = 1};
    M.axes = grown;
}

static sl_spec spec4(const char *d0, const char *d1, const char *d2, const char *d3)
{
    sl_spec s = {.name = "t", .logical = {d0, d1, d2, d3}, .ndims = 4,
                 .loc = {"s.yml", 7, 3, 0}, .keep_dim = -1, .peel_dim = -1};
    return s;
}

static int resolve(const sl_spec *s)
{
    sl_rule_table t;
    sl_rule_table_build(A, R, NR, &t);
    return sl_resolve(A, &t, &M, s, &OUT, &SE);
}

static void resolve_ok(const sl_spec *s)
{
    cr_assert_eq(resolve(s), 0, "spec error %d", SE.kind);
}

static void assert_physical(const sl_dim *d, const char *const *want, size_t n)
{
    cr_assert_eq(d->nphysical, n, "dim %s: %zu physical axes", d->logical, d->nphysical);
    for (size_t i = 0; i < n; i++)
        cr_assert_str_eq(d->physical[i], want[i]);
}

/* MaxText's base order with Mixtral on one 8-GPU node. */
static void mixtral(long long expert)
{
    axis("data", 1);
    axis("fsdp", 1);
    axis("expert", expert);
    rule("activation_batch_moe", "[data, fsdp, fsdp_transpose, expert]");
    rule("activation_exp", "[expert]");
    rule("activation_embed_moe", "[tensor, tensor_transpose]");
}

Test(resolve, mixtral_dispatch_loses_expert_to_batch)
{
    mixtral(8);
    sl_spec s = spec4("activation_exp", "activation_batch_moe", NULL, "activation_embed_moe");
    resolve_ok(&s);
    cr_assert_eq(OUT.ndims, 4);
    const sl_dim *e = &OUT.dims[0], *b = &OUT.dims[1];
    cr_assert_null(e->rule, "expert dim replicated");
    cr_assert_eq(e->nphysical, 0);
    cr_assert_eq(e->nlosses, 1);
    cr_assert_eq(e->losses[0].rule, &R[1]);
    cr_assert_str_eq(e->losses[0].axis, "expert");
    cr_assert_eq(e->losses[0].by_dim, 1);
    cr_assert_eq(e->losses[0].by_rule, &R[0]);
    cr_assert_eq(b->rule, &R[0]);
    cr_assert_eq(b->naxes, 4, "flax keeps all four axes");
    assert_physical(b, (const char *[]){"expert"}, 1);
    cr_assert_eq(b->nlosses, 0);
    cr_assert_null(OUT.dims[2].logical);
    cr_assert_null(OUT.dims[2].rule);
    cr_assert_eq(OUT.dims[3].rule, &R[2]);
    cr_assert_eq(OUT.dims[3].nphysical, 0, "tensor axes are not in the mesh");
    cr_assert(sl_dim_has_active_axis(b, &M));
    cr_assert_not(sl_dim_has_active_axis(e, &M));
}

Test(resolve, losses_are_recorded_whatever_the_axis_size)
{
    mixtral(1);
    sl_spec s = spec4("activation_exp", "activation_batch_moe", NULL, "activation_embed_moe");
    resolve_ok(&s);
    cr_assert_eq(OUT.dims[0].nlosses, 1);
    cr_assert_eq(OUT.dims[1].nphysical, 0);
    cr_assert_not(sl_dim_has_active_axis(&OUT.dims[1], &M));
}

Test(resolve, peeled_dispatch_keeps_expert_on_the_expert_dim)
{
    mixtral(8);
    sl_spec s = spec4("activation_exp", "activation_batch_moe", NULL, "activation_embed_moe");
    s.peel_dim = 1;
    s.peel_axis = "expert";
    resolve_ok(&s);
    cr_assert_eq(OUT.dims[0].rule, &R[1]);
    assert_physical(&OUT.dims[0], (const char *[]){"expert"}, 1);
    cr_assert_eq(OUT.dims[1].rule, &R[0], "the rule that filled it is still named");
    assert_physical(&OUT.dims[1], NULL, 0);
    for (size_t i = 0; i < OUT.ndims; i++)
        cr_assert_eq(OUT.dims[i].nlosses, 0);
}

Test(resolve, null_mesh_rule_assigns_and_blocks_later_rules)
{
    axis("data", 4);
    rule("activation_length", "null");
    rule("activation_length", "data");
    rule("activation_embed", "[]");
    rule("activation_embed", "data");
    sl_spec s = spec4("activation_length", "activation_embed", NULL, NULL);
    s.ndims = 2;
    resolve_ok(&s);
    cr_assert_eq(OUT.dims[0].rule, &R[0]);
    cr_assert_eq(OUT.dims[0].naxes, 0);
    cr_assert_not(OUT.dims[0].axes_is_list);
    cr_assert_eq(OUT.dims[1].rule, &R[2]);
    cr_assert_eq(OUT.dims[1].naxes, 0);
    cr_assert(OUT.dims[1].axes_is_list);
    cr_assert_eq(OUT.dims[0].nlosses + OUT.dims[1].nlosses, 0, "assigned dims lose nothing");
}

Test(resolve, string_and_list_meshes)
{
    axis("data", 2);
    axis("tensor", 4);
    rule("batch", "data");
    rule("heads", "[tensor]");
    sl_spec s = spec4("batch", "heads", NULL, NULL);
    s.ndims = 2;
    resolve_ok(&s);
    cr_assert_not(OUT.dims[0].axes_is_list);
    cr_assert_eq(OUT.dims[0].naxes, 1);
    cr_assert_str_eq(OUT.dims[0].axes[0], "data");
    cr_assert(OUT.dims[1].axes_is_list);
    assert_physical(&OUT.dims[1], (const char *[]){"tensor"}, 1);
}

Test(resolve, repeated_logical_name_is_an_error)
{
    rule("batch", "data");
    sl_spec s = spec4("batch", NULL, "batch", NULL);
    cr_assert_eq(resolve(&s), -1);
    cr_assert_eq(SE.kind, SL_SPEC_REPEATED_NAME);
    cr_assert_str_eq(SE.name, "batch");
    cr_assert_eq(SE.spec->loc.line, 7);
}

Test(resolve, size_one_axes_are_dropped)
{
    axis("data", 2);
    axis("fsdp", 1);
    axis("expert", 4);
    rule("batch", "[data, fsdp, fsdp_transpose, expert]");
    sl_spec s = spec4("batch", NULL, NULL, NULL);
    s.ndims = 1;
    resolve_ok(&s);
    cr_assert_eq(OUT.dims[0].naxes, 4);
    assert_physical(&OUT.dims[0], (const char *[]){"data", "expert"}, 2);
}

Test(resolve, fallback_rule_after_a_blocked_one)
{
    axis("tensor", 4);
    axis("fsdp", 2);
    rule("length", "tensor");
    rule("embed", "tensor");
    rule("embed", "fsdp");
    rule("embed", "[fsdp, tensor]");
    sl_spec s = spec4("embed", "length", NULL, NULL);
    s.ndims = 2;
    resolve_ok(&s);
    cr_assert_eq(OUT.dims[1].rule, &R[0]);
    cr_assert_eq(OUT.dims[0].rule, &R[2]);
    assert_physical(&OUT.dims[0], (const char *[]){"fsdp"}, 1);
    cr_assert_eq(OUT.dims[0].nlosses, 1, "rules after the dim is filled are not losses");
    cr_assert_eq(OUT.dims[0].losses[0].rule, &R[1]);
    cr_assert_eq(OUT.dims[0].losses[0].by_dim, 1);
    cr_assert_eq(OUT.dims[0].losses[0].by_rule, &R[0]);
}

Test(resolve, every_blocked_rule_and_held_axis_is_a_loss)
{
    axis("data", 2);
    axis("expert", 4);
    rule("batch", "[data, expert]");
    rule("exp", "expert");
    rule("exp", "[data, expert]");
    sl_spec s = spec4("exp", "batch", NULL, NULL);
    s.ndims = 2;
    resolve_ok(&s);
    cr_assert_null(OUT.dims[0].rule);
    cr_assert_eq(OUT.dims[0].nlosses, 3);
    cr_assert_str_eq(OUT.dims[0].losses[0].axis, "expert");
    cr_assert_eq(OUT.dims[0].losses[1].rule, &R[2]);
    cr_assert_str_eq(OUT.dims[0].losses[1].axis, "data");
    cr_assert_str_eq(OUT.dims[0].losses[2].axis, "expert");
}

Test(resolve, bad_peel_dim_is_an_error)
{
    sl_spec s = spec4("a", NULL, NULL, NULL);
    s.ndims = 2;
    s.peel_dim = 2;
    cr_assert_eq(resolve(&s), -1);
    cr_assert_eq(SE.kind, SL_SPEC_BAD_PEEL);
}
