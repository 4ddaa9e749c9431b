/* The one place problems are printed: usage errors, input errors, a report
 * that cannot be written. What came from an input is escaped (sl_escape). */
#include <string.h>

#include "cli_opts.h"

int sl_cli_stdout_error(FILE *err)
{
    fputs("shardlint: error: cannot write the report to standard output\n", err);
    return 2;
}

void sl_cli_print(FILE *err, sl_loc loc, const char *level, const char *msg)
{
    char where[1024];
    sl_arena *a = sl_arena_new();
    fprintf(err, "%s: %s: %s\n",
            sl_escape(a, sl_loc_str(loc, where, sizeof where), SL_ESCAPE_LINE_START), level,
            sl_escape(a, msg, 0));
    sl_arena_free(a);
}

int sl_cli_input_error(FILE *err, const sl_err *e)
{
    sl_cli_print(err, e->loc, "error", e->msg);
    return 2;
}

int cli_usage_error(FILE *err, const cli_command *c, const char *msg)
{
    sl_arena *a = sl_arena_new();
    fprintf(err, "shardlint: error: %s\n", sl_escape(a, msg, 0));
    sl_arena_free(a);
    if (c)
        fprintf(err, "usage: shardlint %s [OPTIONS]%s%s\nTry 'shardlint %s --help'.\n", c->name,
                *c->synopsis ? " " : "", c->synopsis, c->name);
    else
        fputs("usage: shardlint COMMAND [OPTIONS] [ARGS...]\nTry 'shardlint --help'.\n", err);
    return 2;
}

void sl_cli_problems(FILE *err, const sl_report *r, bool quiet)
{
    for (size_t i = 0; i < r->problems.n; i++) {
        const sl_problem *p = r->problems.items[i];
        if (!quiet || p->level == SL_LEVEL_ERROR)
            sl_cli_print(err, p->loc, sl_level_name(p->level), p->message);
    }
}
