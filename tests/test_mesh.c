/* Mesh building: MaxText's ICI/DCN maps, -1 filling and launch errors. */
#include <criterion/criterion.h>
#include <string.h>

#include "shardlint/model.h"
#include "shardlint/rule.h"

static sl_arena *A;
static sl_config C;
static sl_mesh M;
static sl_mesh_error ME;
static sl_err E;

static void setup(void)
{
    A = sl_arena_new();
}

static void teardown(void)
{
    sl_arena_free(A);
}

TestSuite(mesh, .init = setup, .fini = teardown);

/* Parses a flow map and gives the value of its i-th key line i+1, and item j
 * of a sequence value column j+1, so locations name what set them. */
static void config(const char *yaml)
{
    sl_node *n = NULL;
    int rc = sl_yaml_parse_value(A, yaml, (sl_loc){"t.yml", 1, 1, 0}, &n, &E);
    cr_assert_eq(rc, 0, "%s", E.msg);
    cr_assert_eq(n->kind, SL_NODE_MAP);
    for (size_t i = 0; i < n->n; i++) {
        sl_node *v = n->items[i];
        v->loc = (sl_loc){"t.yml", (int)i + 1, 1, 0};
        for (size_t j = 0; v->kind == SL_NODE_SEQ && j < v->n; j++)
            v->items[j]->loc = (sl_loc){"t.yml", (int)i + 1, (int)j + 1, 0};
    }
    memset(&C, 0, sizeof C);
    C.values = n;
}

/* devices 0: nothing says how many. */
static int build(const char *yaml, long long devices, long long slices)
{
    config(yaml);
    sl_devices d = {devices, SL_DEVICES_USER, "--devices", {0}};
    return sl_mesh_build(A, &C, devices ? &d : NULL, slices, &M, &ME, &E);
}

/* The launch error as SL003 reports it. */
static const sl_finding *finding(void)
{
    const sl_rule_def *sl003 = sl_rule_find("SL003");
    cr_assert_not_null(sl003);
    sl_lint_ctx ctx = {.arena = A, .config = &C, .mesh_error = &ME};
    sl_findings found = {0};
    sl003->check(&ctx, &found);
    cr_assert_eq(found.n, 1);
    return found.items[0];
}

static const char *msg(void)
{
    return ME.mesh ? finding()->message : "";
}

static const sl_axis *axis(const char *name)
{
    const sl_axis *ax = sl_mesh_axis(&M, name);
    cr_assert_not_null(ax, "no axis %s", name);
    return ax;
}

Test(mesh, fills_the_one_ici_minus_one)
{
    cr_assert_eq(build("{mesh_axes: [data, fsdp, expert], ici_fsdp_parallelism: 1, "
                       "ici_expert_parallelism: -1}", 8, 0), 0, "%s", msg());
    cr_assert_eq(M.naxes, 3);
    cr_assert_eq(M.slices, 1);
    const sl_axis *e = axis("expert");
    cr_assert_eq(e->ici, 8);
    cr_assert_eq(e->size, 8);
    cr_assert(e->ici_filled);
    cr_assert_str_eq(e->ici_key, "ici_expert_parallelism");
    cr_assert_str_eq(e->dcn_key, "dcn_expert_parallelism");
    cr_assert_eq(e->ici_loc.line, 3);
    cr_assert_eq(axis("fsdp")->ici_loc.line, 2);
    cr_assert_not(axis("fsdp")->ici_filled);
    cr_assert_null(axis("data")->ici_loc.file, "a defaulted value has no location");
    cr_assert_eq(axis("data")->size, 1);
    cr_assert_eq(sl_mesh_size(&M, "expert"), 8);
    cr_assert_eq(sl_mesh_size(&M, "tensor"), 1, "an axis not in the mesh is size 1");
}

Test(mesh, fsdp_defaults_to_minus_one)
{
    cr_assert_eq(build("{mesh_axes: [data, fsdp, tensor], ici_tensor_parallelism: 2}", 8, 0),
                 0, "%s", msg());
    cr_assert_eq(axis("fsdp")->ici, 4);
    cr_assert(axis("fsdp")->ici_filled);
    cr_assert_null(axis("fsdp")->ici_loc.file);
    cr_assert_eq(axis("tensor")->size, 2);
}

Test(mesh, model_reads_the_tensor_key_and_attn_dp_is_one)
{
    cr_assert_eq(build("{mesh_axes: [fsdp, model, attn_dp], ici_tensor_parallelism: 4}", 8, 0),
                 0, "%s", msg());
    cr_assert_str_eq(axis("model")->ici_key, "ici_tensor_parallelism");
    cr_assert_eq(axis("model")->size, 4);
    cr_assert_eq(axis("fsdp")->size, 2);
    cr_assert_null(axis("attn_dp")->ici_key);
    cr_assert_eq(axis("attn_dp")->size, 1);
}

Test(mesh, default_fsdp_and_explicit_minus_one_collide)
{
    cr_assert_eq(build("{mesh_axes: [data, fsdp, expert], ici_expert_parallelism: -1}", 8, 0), 1);
    cr_assert_eq(ME.loc.line, 2, "at the second -1, ici_expert_parallelism");
    cr_assert_not_null(strstr(msg(), "ici_fsdp_parallelism=-1 (fsdp, default)"),
                       "%s", msg());
    cr_assert_not_null(strstr(msg(), "ici_expert_parallelism=-1"), "%s", msg());
    cr_assert_not_null(strstr(msg(), "ici_fsdp_parallelism=1"), "%s", msg());
    cr_assert_eq(finding()->nrelated, 0, "a default has no place to point to");
}

Test(mesh, two_explicit_minus_ones)
{
    cr_assert_eq(build("{mesh_axes: [data, fsdp, expert], ici_data_parallelism: -1, "
                       "ici_fsdp_parallelism: 1, ici_expert_parallelism: -1}", 8, 0), 1);
    cr_assert_eq(ME.loc.line, 4);
    cr_assert_not_null(strstr(msg(), "e.g. ici_expert_parallelism=1"), "%s", msg());
    cr_assert_eq(finding()->nrelated, 1);
    cr_assert_eq(finding()->related[0].loc.line, 2);
}

Test(mesh, two_fills_suggest_keeping_the_command_line_one)
{
    config("{mesh_axes: [data, fsdp, expert], ici_fsdp_parallelism: -1, "
           "ici_expert_parallelism: -1}");
    C.values->items[2]->loc = (sl_loc){NULL, 0, 0, 4};
    sl_devices eight = {8, SL_DEVICES_USER, "--devices", {0}};
    cr_assert_eq(sl_mesh_build(A, &C, &eight, 0, &M, &ME, &E), 1);
    cr_assert_eq(ME.loc.word, 4);
    cr_assert_not_null(strstr(msg(), "e.g. ici_fsdp_parallelism=1"), "%s", msg());
}

Test(mesh, fill_that_is_not_whole)
{
    cr_assert_eq(build("{mesh_axes: [data, fsdp, tensor], ici_tensor_parallelism: 3, "
                       "ici_fsdp_parallelism: -1}", 8, 0), 1);
    cr_assert_eq(ME.loc.line, 3, "at the -1 key");
    cr_assert_not_null(strstr(msg(), "multiply to 3"), "%s", msg());
    cr_assert_not_null(strstr(msg(), "8 devices per slice"), "%s", msg());
    cr_assert_eq(finding()->nrelated, 1);
    cr_assert_eq(finding()->related[0].loc.line, 2);
}

Test(mesh, fill_below_one)
{
    cr_assert_eq(build("{mesh_axes: [fsdp, tensor], ici_tensor_parallelism: 16}", 8, 0), 1);
    cr_assert_eq(ME.loc.line, 1, "defaulted -1 falls back to mesh_axes");
    cr_assert_not_null(strstr(msg(), "multiply to 16"), "%s", msg());
}

Test(mesh, product_mismatch)
{
    cr_assert_eq(build("{mesh_axes: [data, fsdp, tensor], ici_fsdp_parallelism: 2, "
                       "ici_tensor_parallelism: 8}", 8, 0), 1);
    cr_assert_str_eq(msg(),
                     "ici parallelism product 16 does not match 8 devices per slice: "
                     "ici_fsdp_parallelism=2 (fsdp) x ici_tensor_parallelism=8 (tensor); "
                     "MaxText fails at launch. Make the product 8, or set one of the "
                     "ici_*_parallelism values to -1 so it is filled in");
    cr_assert_eq(ME.loc.line, 3, "at the largest value");
    cr_assert_eq(finding()->nrelated, 1);
    cr_assert_eq(finding()->related[0].loc.line, 2);
}

Test(mesh, all_ones_mismatch_points_at_mesh_axes)
{
    cr_assert_eq(build("{ici_fsdp_parallelism: 1, mesh_axes: [data, fsdp]}", 4, 0), 1);
    cr_assert_eq(ME.loc.line, 2);
    cr_assert_not_null(strstr(msg(), "product 1 does not match 4"), "%s", msg());
}

Test(mesh, zero_is_not_a_size)
{
    cr_assert_eq(build("{mesh_axes: [data, fsdp], ici_data_parallelism: 0}", 8, 0), 1);
    cr_assert_eq(ME.loc.line, 2);
}

Test(mesh, multi_slice_fills_dcn)
{
    cr_assert_eq(build("{mesh_axes: [data, fsdp, expert], dcn_data_parallelism: -1, "
                       "num_slices: 4}", 8, 0), 0, "%s", msg());
    cr_assert_eq(M.slices, 4);
    cr_assert_eq(axis("data")->dcn, 4);
    cr_assert(axis("data")->dcn_filled);
    cr_assert_eq(axis("data")->dcn_loc.line, 2);
    cr_assert_eq(axis("data")->size, 4);
    cr_assert_eq(axis("fsdp")->size, 8);
    cr_assert_eq(axis("fsdp")->dcn, 1);
}

Test(mesh, slices_argument_wins_over_num_slices)
{
    cr_assert_eq(build("{mesh_axes: [data, fsdp], dcn_data_parallelism: -1, num_slices: 4}",
                       8, 2), 0, "%s", msg());
    cr_assert_eq(M.slices, 2);
    cr_assert_eq(axis("data")->size, 2);
}

/* MaxText's get_num_slices: num_slices first, then an AOT compile's
 * compile_topology_num_slices. */
Test(mesh, compile_topology_num_slices_counts_without_num_slices)
{
    cr_assert_eq(build("{mesh_axes: [data, fsdp], dcn_data_parallelism: -1, num_slices: -1, "
                       "compile_topology_num_slices: 3}", 8, 0), 0, "%s", msg());
    cr_assert_eq(M.slices, 3);
    cr_assert_eq(axis("data")->size, 3);
    cr_assert_eq(build("{mesh_axes: [data, fsdp], dcn_data_parallelism: -1, num_slices: 2, "
                       "compile_topology_num_slices: 3}", 8, 0), 0, "%s", msg());
    cr_assert_eq(M.slices, 2);
}

/* With no device count given, a fully specified ICI product is the count. */
Test(mesh, devices_implied_by_the_ici_values)
{
    cr_assert_eq(build("{mesh_axes: [data, fsdp, tensor], ici_fsdp_parallelism: 4, "
                       "ici_tensor_parallelism: 4}", 0, 0), 0, "%s", msg());
    cr_assert_eq(M.devices, 16);
    cr_assert_eq(M.devices_from.source, SL_DEVICES_CONFIG);
    cr_assert(sl_devices_known(&M.devices_from));
    cr_assert_eq(build("{mesh_axes: [data, fsdp, tensor], ici_tensor_parallelism: 4}", 0, 0), 0,
                 "%s", msg());
    cr_assert_eq(M.devices, SL_MESH_DEFAULT_DEVICES);
    cr_assert_eq(M.devices_from.source, SL_DEVICES_DEFAULT);
    cr_assert_not(sl_devices_known(&M.devices_from));
    cr_assert_eq(M.unfit, 0);
    cr_assert_eq(axis("fsdp")->size, 2);
}

/* An assumed count the fixed values do not divide is never a launch error:
 * the mesh is built on the smallest multiple of it they divide. */
Test(mesh, an_assumed_count_gives_way)
{
    cr_assert_eq(build("{mesh_axes: [data, fsdp, tensor], ici_tensor_parallelism: 256}", 0, 0), 0,
                 "%s", msg());
    cr_assert_eq(M.devices, 256);
    cr_assert_eq(M.unfit, SL_MESH_DEFAULT_DEVICES);
    cr_assert_eq(axis("fsdp")->size, 1);
    config("{mesh_axes: [data, fsdp, tensor], ici_tensor_parallelism: 3}");
    sl_devices gpu = {8, SL_DEVICES_LAUNCH, "hardware=gpu", {0}};
    cr_assert_eq(sl_mesh_build(A, &C, &gpu, 0, &M, &ME, &E), 0, "%s", msg());
    cr_assert_eq(M.devices, 24, "whole nodes of the assumed 8");
    cr_assert_eq(M.unfit, 8);
    cr_assert_eq(axis("fsdp")->size, 8);
    cr_assert_eq(M.devices_from.source, SL_DEVICES_LAUNCH);
    cr_assert(strstr(sl_mesh_devices_str(A, &M), "24, assumed: the smallest count") != NULL,
              "%s", sl_mesh_devices_str(A, &M));
}

/* What does not depend on the count stays an error under an assumption,
 * and a known count is held to. */
Test(mesh, assumptions_do_not_hide_other_errors)
{
    cr_assert_eq(build("{mesh_axes: [data, fsdp, tensor], ici_tensor_parallelism: -1}", 0, 0), 1);
    cr_assert_eq(ME.kind, SL_MESH_TWO_FILLS);
    config("{mesh_axes: [data, fsdp, tensor], ici_tensor_parallelism: 256}");
    sl_devices topo = {128, SL_DEVICES_TOPOLOGY, "compile_topology=v5p-256", {0}};
    cr_assert_eq(sl_mesh_build(A, &C, &topo, 0, &M, &ME, &E), 1);
    cr_assert_eq(ME.kind, SL_MESH_BAD_FILL);
    cr_assert_eq(ME.target, 128);
}

Test(mesh, dcn_mismatch)
{
    cr_assert_eq(build("{mesh_axes: [data, fsdp], dcn_data_parallelism: 4}", 8, 2), 1);
    cr_assert_eq(ME.loc.line, 2);
    cr_assert_not_null(strstr(msg(), "dcn parallelism product 4 does not match 2 slices"),
                       "%s", msg());
}

Test(mesh, single_slice_ignores_dcn)
{
    cr_assert_eq(build("{mesh_axes: [data, fsdp], dcn_data_parallelism: 7, "
                       "dcn_fsdp_parallelism: -1, num_slices: -1}", 8, 0), 0, "%s", msg());
    cr_assert_eq(M.slices, 1);
    cr_assert_eq(axis("data")->dcn, 1);
    cr_assert_null(axis("data")->dcn_loc.file);
    cr_assert_eq(axis("fsdp")->size, 8);
}

Test(mesh, unknown_axis)
{
    cr_assert_eq(build("{mesh_axes: [data, fsdp, bogus]}", 8, 0), 1);
    cr_assert_eq(ME.loc.line, 1);
    cr_assert_eq(ME.loc.col, 3, "at the entry itself");
    cr_assert_not_null(strstr(msg(), "'bogus'"), "%s", msg());
}

Test(mesh, non_integer_value_is_an_input_error)
{
    cr_assert_eq(build("{mesh_axes: [data, fsdp], ici_data_parallelism: two}", 8, 0), -1);
    cr_assert_eq(E.loc.line, 2);
    cr_assert_not_null(strstr(E.msg, "ici_data_parallelism"), "%s", E.msg);
}

Test(mesh, mesh_axes_must_be_a_list)
{
    cr_assert_eq(build("{mesh_axes: data}", 8, 0), -1);
    cr_assert_eq(build("{ici_data_parallelism: 1}", 8, 0), -1);
}
