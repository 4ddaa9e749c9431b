/* libFuzzer: the launch-script scanner, and the device count each launch
 * implies. */
#include <stdint.h>
#include "shardlint/rule.h"
#include "shardlint/scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sl_arena *a = sl_arena_new();
    sl_vec launches = {0};
    sl_err err;
    if (sl_scan_sh_buf(a, (const char *)data, size, "fuzz.sh", "/nonexistent", &launches,
                       &err) == 0) {
        for (size_t i = 0; i < launches.n; i++) {
            const sl_launch *l = launches.items[i];
            sl_maxtext_launch_devices(a, "fuzz.sh", l->ov, l->nov);
        }
    }
    sl_arena_free(a);
    return 0;
}
