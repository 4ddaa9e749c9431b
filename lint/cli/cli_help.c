/* --help, --version, and what the build makes from the same text: the man
 * page (--help-man) and the shell completions (--help-completion SHELL). */
#include <ctype.h>
#include <string.h>

#include "cli_opts.h"
#include "shardlint/rule.h"

#define HELP_WIDTH 79
#define HELP_COLUMN 26

/* ---- plain text --------------------------------------------------------------- */

/* Prints text word by word from column `col`, wrapping at HELP_WIDTH to
 * column `indent`; ends the line. */
static void wrap(FILE *out, const char *text, int col, int indent)
{
    for (const char *p = text; *p;) {
        p += strspn(p, " ");
        int len = (int)strcspn(p, " ");
        if (!len)
            break;
        if (col > indent && col + 1 + len > HELP_WIDTH) {
            fprintf(out, "\n%*s", indent, "");
            col = indent;
        } else if (col > indent) {
            fputc(' ', out);
            col++;
        }
        fprintf(out, "%.*s", len, p);
        col += len;
        p += len;
    }
    fputc('\n', out);
}

static void item(FILE *out, const char *label, const char *help)
{
    int col = fprintf(out, "  %s", label);
    if (col + 2 > HELP_COLUMN) {
        fputc('\n', out);
        col = 0;
    }
    fprintf(out, "%*s", HELP_COLUMN - col, "");
    wrap(out, help, HELP_COLUMN, HELP_COLUMN);
}

static void section(FILE *out, const char *title, const char *text)
{
    fprintf(out, "\n%s:\n  ", title);
    wrap(out, text, 2, 2);
}

void cli_help_main(FILE *out)
{
    fputs("usage: shardlint COMMAND [OPTIONS] [ARGS...]\n\n", out);
    wrap(out, cli_about, 0, 0);
    fputs("\nCommands:\n", out);
    for (size_t i = 0; i < cli_ncommands; i++)
        item(out, cli_commands[i].name, cli_commands[i].summary);
    fputs("\nOptions:\n", out);
    item(out, "-h, --help", "Prints this help; `shardlint COMMAND --help` explains a command "
                            "and each of its options.");
    item(out, "-V, --version", "Prints the version, the MaxText source layouts and the rule "
                               "tables it understands.");
    section(out, "Exit status", cli_exit_status);
}

static const char *option_label(char *buf, size_t size, const cli_option *o)
{
    snprintf(buf, size, "%s%s%s--%s%s%s", o->short_name ? "-" : "    ",
             o->short_name ? (char[]){o->short_name, 0} : "", o->short_name ? ", " : "",
             o->name, o->arg ? " " : "", o->arg ? o->arg : "");
    return buf;
}

void cli_help_command(FILE *out, const cli_command *c)
{
    fprintf(out, "usage: shardlint %s [OPTIONS]%s%s\n\n", c->name, *c->synopsis ? " " : "",
            c->synopsis);
    wrap(out, c->description, 0, 0);
    if (c->args) {
        fputs("\nArguments:\n", out);
        for (const cli_argument *a = c->args; a->name; a++)
            item(out, a->name, a->help);
    }
    fputs("\nOptions:\n", out);
    char label[128];
    for (size_t i = 0; i < cli_noptions; i++)
        if (cli_options[i].commands & c->bit)
            item(out, option_label(label, sizeof label, &cli_options[i]), cli_options[i].help);
    if (c->bit & (CLI_CHECK | CLI_RESOLVE))
        section(out, "Configuration", cli_config_help);
    if (c->bit & CLI_CHECK) {
        section(out, "Suppression", cli_suppress_help);
        section(out, "Exit status", cli_exit_status);
    }
}

/* ---- version ------------------------------------------------------------------ */

static const char *const layouts[] = {
    "MaxText/configs (until mid-2025)",
    "src/MaxText/configs (2025-09 to 2026-02)",
    "src/maxtext/configs (since 2026-02)",
};

/* The history of MaxText's MoE batch rule, whose versions the rules and
 * their fixes tell apart (fixtures/trees holds one tree of each). */
static const char *const rule_tables[] = {
    "separate *_no_exp rules (activation_batch_no_exp: [data, fsdp, fsdp_transpose])",
    "activation_batch_moe without expert",
    "activation_batch_moe with expert, before activation_exp (the SL001 conflict)",
    "moe_dispatch_no_expert_sharding, where base.yml has the key",
};

void cli_version(FILE *out)
{
    fprintf(out, "shardlint %s\nMaxText source layouts:\n", SHARDLINT_VERSION);
    for (size_t i = 0; i < sizeof layouts / sizeof layouts[0]; i++)
        fprintf(out, "  %s\n", layouts[i]);
    fputs("MaxText rule tables (the MoE batch rule, oldest first):\n", out);
    for (size_t i = 0; i < sizeof rule_tables / sizeof rule_tables[0]; i++)
        fprintf(out, "  %zu. %s\n", i + 1, rule_tables[i]);
}

/* ---- the man page ------------------------------------------------------------- */

/* Text for troff: backslashes escaped, dashes that start a word or follow
 * one made minus signs (option names), `code` in bold. */
static void roff(FILE *out, const char *text, size_t n)
{
    bool bold = false;
    for (size_t i = 0; i < n; i++) {
        char c = text[i];
        if (i == 0 && (c == '.' || c == '\''))
            fputs("\\&", out);
        if (c == '\\')
            fputs("\\e", out);
        else if (c == '-' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '-' ||
                              text[i - 1] == '(' || text[i - 1] == '[' || text[i - 1] == '`'))
            fputs("\\-", out);
        else if (c == '`') {
            fputs(bold ? "\\fR" : "\\fB", out);
            bold = !bold;
        } else
            fputc(c, out);
    }
    if (bold)
        fputs("\\fR", out);
}

static void roff_line(FILE *out, const char *text)
{
    roff(out, text, strlen(text));
    fputc('\n', out);
}

static void man_option(FILE *out, const cli_option *o)
{
    fputs(".TP\n", out);
    if (o->short_name)
        fprintf(out, "\\fB\\-%c\\fR, ", o->short_name);
    fputs("\\fB\\-\\-", out);
    roff(out, o->name, strlen(o->name));
    fputs("\\fR", out);
    if (o->arg)
        fprintf(out, " \\fI%s\\fR", o->arg);
    fputc('\n', out);
    roff_line(out, o->help);
}

static void man_command(FILE *out, const cli_command *c)
{
    fprintf(out, ".SS \"shardlint %s\"\n", c->name);
    fprintf(out, ".B shardlint %s\n[\\fIOPTIONS\\fR] ", c->name);
    roff_line(out, c->synopsis);
    fputs(".PP\n", out);
    roff_line(out, c->description);
    for (const cli_argument *a = c->args; a && a->name; a++) {
        fprintf(out, ".TP\n\\fI%s\\fR\n", a->name);
        roff_line(out, a->help);
    }
    for (size_t i = 0; i < cli_noptions; i++)
        if (cli_options[i].commands & c->bit)
            man_option(out, &cli_options[i]);
}

static bool numbered(const char *line)
{
    size_t d = strspn(line, "0123456789");
    return d && line[d] == '.' && line[d + 1] == ' ';
}

/* A rule's Markdown documentation: headings, paragraphs, lists and fenced
 * code, which is all the rule docs use. */
static void man_markdown(FILE *out, const char *md)
{
    bool code = false;
    for (const char *p = md; *p;) {
        size_t n = strcspn(p, "\n");
        char line[1024];
        snprintf(line, sizeof line, "%.*s", (int)n, p);
        p += n + (p[n] == '\n');
        if (strncmp(line, "```", 3) == 0) {
            fputs(code ? ".fi\n.RE\n" : ".RS 4\n.nf\n", out);
            code = !code;
        } else if (code) {
            if (line[0] == '.' || line[0] == '\'')
                fputs("\\&", out);
            for (const char *q = line; *q; q++)
                *q == '\\' ? fputs("\\e", out) : fputc(*q, out);
            fputc('\n', out);
        } else if (!line[0]) {
            fputs(".PP\n", out);
        } else if (strncmp(line, "## ", 3) == 0) {
            fputs(".PP\n\\fB", out);
            roff(out, line + 3, strlen(line + 3));
            fputs("\\fR\n.br\n", out);
        } else if (strncmp(line, "- ", 2) == 0) {
            fputs(".IP \\(bu 2\n", out);
            roff_line(out, line + 2);
        } else if (numbered(line)) {
            size_t d = strspn(line, "0123456789");
            fprintf(out, ".IP %.*s. 4\n", (int)d, line);
            roff_line(out, line + d + 2);
        } else {
            const char *t = line + strspn(line, " ");
            roff_line(out, t);
        }
    }
}

static void man_section(FILE *out, const char *title, const char *text)
{
    fprintf(out, ".SH %s\n", title);
    roff_line(out, text);
}

void cli_man(FILE *out)
{
    fprintf(out, ".TH SHARDLINT 1 \"\" \"shardlint %s\" \"User Commands\"\n", SHARDLINT_VERSION);
    fputs(".SH NAME\nshardlint \\- static analyzer for the sharding of MaxText training "
          "configs\n.SH SYNOPSIS\n",
          out);
    for (size_t i = 0; i < cli_ncommands; i++) {
        fprintf(out, "%s.B shardlint %s\n[\\fIOPTIONS\\fR] ", i ? ".br\n" : "",
                cli_commands[i].name);
        roff_line(out, cli_commands[i].synopsis);
    }
    fputs(".br\n.B shardlint\n\\fB\\-\\-version\\fR | \\fB\\-\\-help\\fR\n", out);
    man_section(out, "DESCRIPTION", cli_about);
    fputs(".SH COMMANDS\n", out);
    for (size_t i = 0; i < cli_ncommands; i++)
        man_command(out, &cli_commands[i]);
    man_section(out, "CONFIGURATION FILE", cli_config_help);
    man_section(out, "SUPPRESSION COMMENTS", cli_suppress_help);
    fputs(".SH RULES\n", out);
    for (size_t i = 0; i < sl_rule_count; i++) {
        const sl_rule_def *r = sl_rule_registry[i];
        fprintf(out, ".SS \"%s %s (%s)\"\n", r->id, r->name, sl_level_name(r->level));
        roff_line(out, r->summary);
        fputs(".PP\n", out);
        man_markdown(out, r->doc);
    }
    man_section(out, "EXIT STATUS", cli_exit_status);
    fputs(".SH ENVIRONMENT\n.TP\n.B NO_COLOR\nWhen set and not empty, text output has no "
          "colour (unless \\fB\\-\\-color always\\fR).\n.SH FILES\n.TP\n.I .shardlint.yml\n"
          "The configuration file, looked for from the working directory upward.\n",
          out);
    fputs(".SH VERSIONS OF MAXTEXT\nSource layouts:\n", out);
    for (size_t i = 0; i < sizeof layouts / sizeof layouts[0]; i++)
        fprintf(out, ".IP \\(bu 2\n%s\n", layouts[i]);
    fputs(".PP\nRule tables (the MoE batch rule, oldest first):\n", out);
    for (size_t i = 0; i < sizeof rule_tables / sizeof rule_tables[0]; i++) {
        fprintf(out, ".IP %zu. 4\n", i + 1);
        roff_line(out, rule_tables[i]);
    }
}
