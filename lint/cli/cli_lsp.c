/* `shardlint lsp`: standard input and output handed to the language server,
 * with .shardlint.yml read as `check` run from the workspace root reads it.
 * The server asks for it through sl_lsp_settings, so that it never calls
 * into the command line. */
#include "cli_opts.h"
#include "shardlint/lsp.h"

typedef struct {
    const sl_cli_opts *command_line;
    sl_arena *a;               /* the last load's: the server's options point into it */
    sl_cli_opts o;
} lsp_settings;

/* Only what the file sets: the server keeps its own mode (latent, fix
 * verification, linting the entry files it is shown). */
static int load(void *ctx, sl_check_opts *out, sl_err *err)
{
    lsp_settings *s = ctx;
    sl_arena_free(s->a);
    s->a = sl_arena_new();
    s->o = *s->command_line;
    if (cli_settle_workspace(s->a, &s->o, err) != 0)
        return -1;
    sl_check_opts c = sl_cli_check_opts(s->a, &s->o);
    out->devices = c.devices;
    out->slices = c.slices;
    out->specs = c.specs;
    out->nspecs = c.nspecs;
    out->sources = c.sources;
    out->nsources = c.nsources;
    out->cache = out->cache && !(s->o.config && s->o.config->no_cache);
    out->keep_rule = c.keep_rule;
    out->keep_finding = c.keep_finding;
    out->path_settings = c.path_settings;
    out->keep_ctx = c.keep_ctx;
    return 0;
}

int cli_lsp(sl_arena *a, sl_cli_opts *o, FILE *out, FILE *err)
{
    if (o->paths.n || o->overrides.n)
        return cli_usage_error(err, o->cmd, "lsp takes no arguments");
    lsp_settings s = {.command_line = o};
    sl_lsp_settings settings = {.load = load, .ctx = &s, .file_name = cli_config_name};
    int status = sl_lsp_serve(0, out, &settings);
    sl_arena_free(s.a);
    return status;
}
