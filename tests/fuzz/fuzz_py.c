/* libFuzzer: the Python model-code scanner, with every string a name and
 * with MaxText's names only (string constants collected too), and the
 * catalog match of each site. */
#include <stdint.h>
#include "shardlint/engine.h"
#include "shardlint/scan.h"

static const char *const known[] = {"activation_batch", "activation_batch_moe",
                                    "activation_exp", "activation_embed", "activation_mlp",
                                    "activation_length", "embed", "mlp", "exp"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sl_arena *a = sl_arena_new();
    sl_err err;
    for (int k = 0; k < 2; k++) {
        sl_vec sites = {0}, consts = {0};
        if (sl_scan_py_buf(a, (const char *)data, size, "layers/moe.py", k ? known : NULL,
                           k ? sizeof known / sizeof *known : 0, &sites, &consts, &err) != 0)
            continue;
        for (size_t i = 0; i < sites.n; i++) {
            sl_catalog_match(sites.items[i], sl_catalog, sl_catalog_len);
            sl_py_site_str(a, sites.items[i]);
        }
    }
    sl_arena_free(a);
    return 0;
}
