/* The one place problems are printed: usage errors, input errors, a report
 * that cannot be written. */
#include <string.h>

#include "cli_opts.h"

int sl_cli_stdout_error(FILE *err)
{
    fputs("shardlint: error: cannot write the report to standard output\n", err);
    return 2;
}

int sl_cli_input_error(FILE *err, const sl_err *e)
{
    char where[1024];
    fprintf(err, "%s: error: %s\n", sl_loc_str(e->loc, where, sizeof where), e->msg);
    return 2;
}

int cli_usage_error(FILE *err, const cli_command *c, const char *msg)
{
    fprintf(err, "shardlint: error: %s\n", msg);
    if (c)
        fprintf(err, "usage: shardlint %s [OPTIONS]%s%s\nTry 'shardlint %s --help'.\n", c->name,
                *c->synopsis ? " " : "", c->synopsis, c->name);
    else
        fputs("usage: shardlint COMMAND [OPTIONS] [ARGS...]\nTry 'shardlint --help'.\n", err);
    return 2;
}

void sl_cli_problems(FILE *err, const sl_report *r, bool quiet)
{
    char where[1024];
    for (size_t i = 0; i < r->problems.n; i++) {
        const sl_problem *p = r->problems.items[i];
        if (!quiet || p->level == SL_LEVEL_ERROR)
            fprintf(err, "%s: %s: %s\n", sl_loc_str(p->loc, where, sizeof where),
                    sl_level_name(p->level), p->message);
    }
}
