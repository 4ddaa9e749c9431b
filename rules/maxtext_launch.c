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

static long long hardware_devices(const sl_override *o, const char **why)
{
    if (strcmp(o->key, "hardware") != 0)
        return 0;
    if (strcmp(o->text, "gpu") == 0) {
        *why = "hardware=gpu: one node of 8 GPUs";
        return 8;
    }
    if (strcmp(o->text, "gpu_multiprocess") == 0) {
        *why = "hardware=gpu_multiprocess: 8 GPUs per node, the node count is not in the "
               "launch";
        return 8;
    }
    return 0;
}

long long sl_maxtext_launch_devices(sl_arena *a, const sl_override *ov, size_t nov,
                                    const char **why, sl_loc *where)
{
    for (size_t i = 0; i < nov; i++) {
        long long n = hardware_devices(&ov[i], why);
        if (n > 0) {
            *where = ov[i].loc;
            return n;
        }
    }
    /* compile_topology first: it is the topology the launch compiles for. */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < nov; i++) {
            if (pass == 0 && strcmp(ov[i].key, "compile_topology") != 0)
                continue;
            const char *topo_why;
            long long n = sl_maxtext_tpu_devices(a, ov[i].text, &topo_why);
            if (n > 0) {
                *why = sl_sprintf(a, "%s=%s: %s", ov[i].key, ov[i].text, topo_why);
                *where = ov[i].loc;
                return n;
            }
        }
    return 0;
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
