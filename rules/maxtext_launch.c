/* What MaxText launches say: the config file each runs with, the hardware
 * it runs on, and the expert-parallel probe of latent mode. MaxText
 * knowledge the engine asks for, kept here beside the rules that depend on
 * it. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "shardlint/rule.h"

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

/* ---- the config a launch runs with ---------------------------------------- */

/* MaxText's default config per entry module (its pyconfig's
 * _CONFIG_FILE_MAPPING, as of e591f30cb), for trees whose code cannot be
 * read; a tree's own table wins. Paths are relative to the configs folder. */
static const struct {
    const char *module;
    const char *config;
} default_configs[] = {
    {"maxtext.trainers.pre_train.train", "base.yml"},
    {"maxtext.trainers.pre_train.train_compile", "base.yml"},
    {"maxtext.trainers.post_train.distillation.train_distill", "post_train/distillation.yml"},
    {"maxtext.trainers.post_train.dpo.train_dpo", "post_train/dpo.yml"},
    {"maxtext.trainers.post_train.rl.train_rl", "post_train/rl.yml"},
    {"maxtext.trainers.post_train.sft.train_sft", "post_train/sft.yml"},
    {"maxtext.trainers.post_train.sft.train_sft_native", "post_train/sft.yml"},
    {"maxtext.inference.decode", "base.yml"},
};

/* The tree's config code, or NULL outside a checkout or when unreadable. */
static const char *config_code(const sl_tree *t)
{
    const sl_tree_file *f = sl_tree_code(t, "pyconfig.py");
    return f ? f->text : NULL;
}

/* A module's entry in the tree's mapping table, read as text: the quoted
 * module name, a colon, the quoted path. */
static const char *mapped(sl_arena *a, const char *code, const char *module)
{
    const char *key = sl_sprintf(a, "\"%s\":", module);
    const char *at = strstr(code, key);
    if (!at)
        return NULL;
    at += strlen(key);
    while (*at == ' ')
        at++;
    const char *end = *at == '"' ? strchr(at + 1, '"') : NULL;
    return end ? sl_strndup(a, at + 1, (size_t)(end - at - 1)) : NULL;
}

static const char *builtin_default(const char *module)
{
    for (size_t i = 0; i < sizeof default_configs / sizeof *default_configs; i++)
        if (strcmp(default_configs[i].module, module) == 0)
            return default_configs[i].config;
    return NULL;
}

/* The default config of a module, relative to the configs folder. Trees
 * before 2026-03 have no defaults: their MaxText reads its first argument
 * as the config file, whatever it is. */
static const char *default_config(sl_arena *a, const sl_tree *t, const char *module,
                                  const char **why)
{
    const char *code = config_code(t);
    const char *rel = code ? mapped(a, code, module) : builtin_default(module);
    if (rel)
        return rel;
    if (code && !strstr(code, "_CONFIG_FILE_MAPPING"))
        *why = "the launch has no config argument, and this tree's MaxText reads its first "
               "argument as the config file";
    else if (code && strstr(code, "using base.yml"))
        return "base.yml"; /* later trees fall back to it for unmapped modules */
    else
        *why = sl_sprintf(a, "the launch has no config argument, and %s has no default "
                             "config", module);
    return NULL;
}

const char *sl_maxtext_launch_module(sl_arena *a, const sl_tree *t, const sl_launch *l)
{
    const char *e = l->entry_point;
    if (strchr(e, '$'))
        return NULL;
    if (l->module)
        return strncmp(e, "src.", 4) == 0 ? e + 4 : e;
    const char *path = e[0] == '/' ? e : l->cwd ? sl_path_join(a, l->cwd, e) : NULL;
    const char *parent = t ? sl_path_dir(a, t->package) : NULL;
    size_t n = parent ? strlen(parent) : 0;
    if (!path || !parent || strncmp(path, parent, n) != 0 || path[n] != '/')
        return NULL;
    char *m = sl_strdup(a, path + n + 1);
    if (sl_path_has_suffix(m, ".py"))
        m[strlen(m) - 3] = '\0';
    for (char *c = m; *c; c++)
        *c = *c == '/' ? '.' : *c;
    return m;
}

/* The files a tree's MaxText tries for a config argument that is not a
 * file, in its order: from 2026-03 for a while, the path with MaxText/ made
 * maxtext/ (scripts of the src/MaxText/ layout); from 2025-09, src/<path>
 * for a relative path (scripts of the MaxText/ layout). Read from the tree's
 * config code. */
static size_t fallbacks(sl_arena *a, const sl_tree *t, const sl_launch *l, const char *out[2])
{
    const char *code = config_code(t);
    size_t n = 0;
    const char *upper = strstr(l->config, "MaxText");
    if (code && upper && strstr(code, "replace(\"MaxText\", \"maxtext\")")) {
        char *lower = sl_strdup(a, l->config);
        for (char *m = strstr(lower, "MaxText"); m; m = strstr(m, "MaxText"))
            memcpy(m, "maxtext", 7);
        out[n++] = lower;
    }
    if (code && strstr(code, "def resolve_config_path") && l->config_word[0] != '/' && l->cwd)
        out[n++] = sl_path_join(a, l->cwd, sl_sprintf(a, "src/%s", l->config_word));
    return n;
}

static const char *given_config(sl_arena *a, const sl_tree *t, const sl_launch *l,
                                const char **why, bool *missing)
{
    if (!l->config) {
        *why = "its config path is not known";
        return NULL;
    }
    if (sl_is_file(l->config))
        return l->config;
    const char *tried[2];
    size_t n = fallbacks(a, t, l, tried);
    for (size_t i = 0; i < n; i++)
        if (sl_is_file(tried[i]))
            return tried[i];
    *missing = true;
    /* A FIFO or device is there but is never opened: say so, not "missing". */
    struct stat st;
    *why = stat(l->config, &st) == 0
               ? sl_sprintf(a, "config file %s cannot be read: %s", sl_path_display(a, l->config),
                            sl_not_regular(&st))
               : sl_sprintf(a, "config file %s does not exist", sl_path_display(a, l->config));
    for (size_t i = 0; i < n; i++)
        *why = sl_sprintf(a, "%s%s %s", *why, i ? " or" : ", nor", sl_path_display(a, tried[i]));
    if (n)
        *why = sl_sprintf(a, "%s, where this tree's MaxText also looks", *why);
    return NULL;
}

const char *sl_maxtext_launch_config(sl_arena *a, const sl_tree *t, const sl_launch *l,
                                     const char **why, bool *missing)
{
    *missing = false;
    if (l->config_src)
        return given_config(a, t, l, why, missing);
    const char *module = sl_maxtext_launch_module(a, t, l);
    if (!module) {
        *why = "the launch has no config argument, and its entry module is not known";
        return NULL;
    }
    const char *rel = default_config(a, t, module, why);
    if (!rel)
        return NULL;
    if (!t) {
        *why = "the launch has no config argument, and outside a MaxText checkout its "
               "default config cannot be found";
        return NULL;
    }
    const char *path = sl_path_join(a, t->configs, rel);
    if (sl_is_file(path))
        return path;
    *missing = true;
    *why = sl_sprintf(a, "%s, the default config of %s, does not exist",
                      sl_path_display(a, path), module);
    return NULL;
}

/* ---- latent mode's probe ---------------------------------------------------- */

const char sl_maxtext_probe_name[] =
    "expert-parallel probe (ici_expert_parallelism=-1 ici_fsdp_parallelism=1)";

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
