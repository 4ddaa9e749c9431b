/* Words for findings. */
#include "shardlint/model.h"

#include <string.h>

const char *sl_describe_loc(sl_arena *a, sl_loc loc)
{
    char buf[1024];
    return sl_strdup(a, sl_loc_str(loc, buf, sizeof buf));
}

const char *sl_describe_rule(sl_arena *a, const sl_rule *r)
{
    return sl_sprintf(a, "`%s` -> %s (%s)", r->name, sl_node_render(a, r->mesh),
                      sl_describe_loc(a, r->loc));
}

static const char *describe_part(sl_arena *a, const char *key, long long value, bool filled,
                                 sl_loc loc)
{
    if (filled)
        return sl_sprintf(a, "%s=-1 filled to %lld (%s)", key, value, sl_describe_loc(a, loc));
    return sl_sprintf(a, "%s=%lld (%s)", key, value, sl_describe_loc(a, loc));
}

const char *sl_describe_axis(sl_arena *a, const sl_axis *ax)
{
    if (!ax->ici_key)
        return sl_sprintf(a, "'%s' is always 1", ax->name);
    const char *ici = describe_part(a, ax->ici_key, ax->ici, ax->ici_filled, ax->ici_loc);
    if (ax->dcn <= 1 && !ax->dcn_filled)
        return ici;
    const char *dcn = describe_part(a, ax->dcn_key, ax->dcn, ax->dcn_filled, ax->dcn_loc);
    return sl_sprintf(a, "%s x %s", ici, dcn);
}
