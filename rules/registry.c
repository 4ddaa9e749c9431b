/* Every rule shardlint has, in id order. An id is never reused. */
#include <string.h>
#include <strings.h>

#include "shardlint/rule.h"

extern const sl_rule_def sl_rule_sl001, sl_rule_sl002, sl_rule_sl003, sl_rule_sl004;
extern const sl_rule_def sl_rule_sl005, sl_rule_sl006, sl_rule_sl007, sl_rule_sl008;
extern const sl_rule_def sl_rule_sl009, sl_rule_sl101, sl_rule_sl102, sl_rule_sl103;
extern const sl_rule_def sl_rule_sl104, sl_rule_sl105, sl_rule_sl106, sl_rule_sl107;
extern const sl_rule_def sl_rule_sl108, sl_rule_sl900, sl_rule_sl901, sl_rule_sl902;

const sl_rule_def *const sl_rule_registry[] = {
    &sl_rule_sl001,
    &sl_rule_sl002,
    &sl_rule_sl003,
    &sl_rule_sl004,
    &sl_rule_sl005,
    &sl_rule_sl006,
    &sl_rule_sl007,
    &sl_rule_sl008,
    &sl_rule_sl009,
    &sl_rule_sl101,
    &sl_rule_sl102,
    &sl_rule_sl103,
    &sl_rule_sl104,
    &sl_rule_sl105,
    &sl_rule_sl106,
    &sl_rule_sl107,
    &sl_rule_sl108,
    &sl_rule_sl900,
    &sl_rule_sl901,
    &sl_rule_sl902,
};

const size_t sl_rule_count = sizeof sl_rule_registry / sizeof sl_rule_registry[0];

const sl_rule_def *sl_rule_find(const char *id_or_name)
{
    for (size_t i = 0; i < sl_rule_count; i++) {
        const sl_rule_def *r = sl_rule_registry[i];
        if (strcasecmp(r->id, id_or_name) == 0 || strcmp(r->name, id_or_name) == 0)
            return r;
    }
    return NULL;
}
