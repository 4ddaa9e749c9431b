/* The commands that read no config: `rules` and `explain`. */
#include <string.h>

#include "cli_opts.h"
#include "shardlint/rule.h"

int cli_rules(sl_arena *a, sl_cli_opts *o, FILE *out, FILE *err)
{
    if (o->paths.n || o->overrides.n)
        return cli_usage_error(err, o->cmd, "rules takes no arguments");
    bool json = o->format && strcmp(o->format, "json") == 0;
    if (json)
        fputs("[\n", out);
    for (size_t i = 0; i < sl_rule_count; i++) {
        const sl_rule_def *r = sl_rule_registry[i];
        if (json)
            fprintf(out, "  {\"id\": \"%s\", \"name\": \"%s\", \"level\": \"%s\"}%s\n", r->id,
                    r->name, sl_level_name(r->level), i + 1 < sl_rule_count ? "," : "");
        else
            fprintf(out, "%s  %-24s %-8s %s\n", r->id, r->name, sl_level_name(r->level),
                    r->summary);
    }
    if (json)
        fputs("]\n", out);
    return fflush(out) != 0 || ferror(out) ? sl_cli_stdout_error(err) : 0;
}

int cli_explain(sl_arena *a, sl_cli_opts *o, FILE *out, FILE *err)
{
    if (o->paths.n != 1 || o->overrides.n)
        return cli_usage_error(err, o->cmd, "explain takes one rule id or name");
    const char *want = o->paths.items[0];
    const sl_rule_def *r = sl_rule_find(want);
    if (!r)
        return cli_usage_error(err, o->cmd,
                               sl_sprintf(a, "no rule %s (see `shardlint rules`)", want));
    fprintf(out, "# %s %s\n\n%s\n\nDefault level: %s.\n\n%s", r->id, r->name, r->summary,
            sl_level_name(r->level), r->doc);
    return fflush(out) != 0 || ferror(out) ? sl_cli_stdout_error(err) : 0;
}
