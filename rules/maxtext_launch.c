/* What MaxText launches say about the hardware they run on, and the
 * expert-parallel probe of latent mode: MaxText knowledge the engine asks
 * for, kept here beside the rules that depend on it. */
#include <stdlib.h>
#include <string.h>

#include "shardlint/rule.h"

const char sl_maxtext_probe_name[] =
    "expert-parallel probe (ici_expert_parallelism=-1 ici_fsdp_parallelism=1)";

/* "v5p-256" -> generation 5, variant "p", count 256. */
static bool parse_topology(const char *name, long *gen, char variant[8], long long *count)
{
    if (!name || name[0] != 'v' || name[1] < '0' || name[1] > '9')
        return false;
    char *end;
    *gen = strtol(name + 1, &end, 10);
    size_t k = 0;
    while (*end >= 'a' && *end <= 'z' && k < 7)
        variant[k++] = *end++;
    variant[k] = '\0';
    if (*end != '-' || end[1] < '0' || end[1] > '9')
        return false;
    *count = strtoll(end + 1, &end, 10);
    return *end == '\0' && *count > 0 && *count <= (1LL << 40);
}

long long sl_maxtext_tpu_devices(sl_arena *a, const char *name, const char **why)
{
    long gen;
    char variant[8];
    long long n;
    if (why)
        *why = NULL;
    if (!parse_topology(name, &gen, variant, &n))
        return 0;
    /* v2/v3/v4/v5p names count TensorCores, two per chip. On v2/v3 each
     * core is its own JAX device; v4 and v5p fuse a chip's two cores into
     * one device (megacore). v5e (v5litepod) and v6e names count chips, one
     * core each. */
    bool cores = (gen == 2 || gen == 3) && !*variant;
    bool megacore = (gen == 4 && !*variant) || (gen == 5 && strcmp(variant, "p") == 0);
    bool chips = (gen == 5 && (strcmp(variant, "e") == 0 || strcmp(variant, "litepod") == 0)) ||
                 (gen == 6 && strcmp(variant, "e") == 0);
    if (megacore) {
        if (n % 2)
            return 0;
        if (why)
            *why = sl_sprintf(a, "%lld chips (v%ld%s names count TensorCores, 2 per chip)",
                              n / 2, gen, variant);
        return n / 2;
    }
    if (!cores && !chips)
        return 0;
    if (why)
        *why = sl_sprintf(a, cores ? "%lld devices (v%ld%s names count TensorCores, "
                                     "each one device)"
                                   : "%lld chips (v%ld%s names count chips)",
                          n, gen, variant);
    return n;
}

/* hardware=gpu runs one process on one node; gpu_multiprocess one per
 * node, how many nodes the launch does not say. Either way 8 GPUs a node is
 * an assumption (an A3 or A4 node), not a fact of the launch. */
static bool hardware_devices(const sl_override *o, sl_devices *d)
{
    const char *why = NULL;
    if (strcmp(o->key, "hardware") != 0)
        return false;
    if (strcmp(o->text, "gpu") == 0)
        why = "hardware=gpu: one node, assumed to have 8 GPUs";
    else if (strcmp(o->text, "gpu_multiprocess") == 0)
        why = "hardware=gpu_multiprocess: 8 GPUs per node assumed, and the node count is "
              "not in the launch";
    if (why)
        *d = (sl_devices){8, SL_DEVICES_LAUNCH, why, o->loc};
    return why != NULL;
}

/* Folder names that say which platform a script is for. */
static const struct {
    const char *folder;
    const char *platform;
} platform_folders[] = {
    {"tpu", "TPU"},      {"v4", "TPU"},       {"v5e", "TPU"},      {"v5p", "TPU"},
    {"v6e", "TPU"},      {"trillium", "TPU"}, {"ironwood", "TPU"}, {"gpu", "GPU"},
    {"a3", "GPU"},       {"a3mega", "GPU"},   {"a3ultra", "GPU"},  {"a4", "GPU"},
};

/* "its folder tpu/v6e/ says TPU, not how many chips", from the script's
 * path; NULL when no folder of it names a platform. */
static const char *folder_platform(sl_arena *a, const char *script)
{
    const char *dir = script ? sl_path_dir(a, script) : "";
    for (const char *seg = dir; *seg;) {
        const char *end = strchr(seg, '/');
        size_t n = end ? (size_t)(end - seg) : strlen(seg);
        for (size_t i = 0; i < sizeof platform_folders / sizeof *platform_folders; i++)
            if (strlen(platform_folders[i].folder) == n &&
                strncmp(seg, platform_folders[i].folder, n) == 0)
                return sl_sprintf(a, "its folder %s/ says %s, not how many %s", seg,
                                  platform_folders[i].platform,
                                  strcmp(platform_folders[i].platform, "TPU") == 0 ? "chips"
                                                                                   : "GPUs");
        seg = end ? end + 1 : seg + n;
    }
    return NULL;
}

sl_devices sl_maxtext_launch_devices(sl_arena *a, const char *script, const sl_override *ov,
                                     size_t nov)
{
    sl_devices d = {0};
    /* compile_topology first: it is the topology the launch compiles for. */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < nov; i++) {
            if (pass == 0 && strcmp(ov[i].key, "compile_topology") != 0)
                continue;
            const char *topo_why;
            long long n = sl_maxtext_tpu_devices(a, ov[i].text, &topo_why);
            if (n > 0)
                return (sl_devices){n, SL_DEVICES_TOPOLOGY,
                                    sl_sprintf(a, "%s=%s: %s", ov[i].key, ov[i].text, topo_why),
                                    ov[i].loc};
        }
    for (size_t i = 0; i < nov; i++)
        if (hardware_devices(&ov[i], &d))
            return d;
    const char *folder = folder_platform(a, script);
    if (folder)
        d.why = sl_sprintf(a, "nothing in the launch names a device count; %s", folder);
    return d;
}

bool sl_maxtext_probe_applies(const sl_config *c, const sl_mesh *m)
{
    long long experts;
    const sl_node *n = sl_config_get(c, "num_experts");
    return n && sl_node_int(n, &experts) && experts > 1 && sl_mesh_axis(m, "expert") &&
           sl_mesh_size(m, "expert") == 1;
}

size_t sl_maxtext_probe_overrides(const sl_mesh *m, sl_override *ov)
{
    size_t n = 0;
    ov[n++] = (sl_override){.key = "ici_expert_parallelism", .text = "-1"};
    ov[n++] = (sl_override){.key = "ici_fsdp_parallelism", .text = "1"};
    ov[n++] = (sl_override){.key = "override_model_config", .text = "true"};
    for (size_t i = 0; i < m->naxes; i++) {
        const sl_axis *ax = &m->axes[i];
        if (ax->ici_filled && ax->ici_key && strcmp(ax->name, "expert") != 0 &&
            strcmp(ax->ici_key, "ici_fsdp_parallelism") != 0)
            ov[n++] = (sl_override){.key = ax->ici_key, .text = "1"};
    }
    return n;
}
