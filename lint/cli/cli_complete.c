/* Shell completions, made from the option table at build time
 * (`shardlint --help-completion bash|zsh`), so they never drift from what
 * the parser accepts. */
#include <string.h>

#include "cli_opts.h"
#include "shardlint/rule.h"

static bool repeatable(const cli_option *o)
{
    static const char *const names[] = {"specs", "source", "select", "ignore", NULL};
    for (const char *const *n = names; *n; n++)
        if (strcmp(*n, o->name) == 0)
            return true;
    return false;
}

/* Rule ids and names, and ALL for a selector list. */
static void rule_words(FILE *out, bool all)
{
    fputs(all ? "ALL" : "", out);
    for (size_t i = 0; i < sl_rule_count; i++)
        fprintf(out, "%s%s %s", all || i ? " " : "", sl_rule_registry[i]->id,
                sl_rule_registry[i]->name);
}

/* ---- bash ------------------------------------------------------------------------ */

static void bash_option_words(FILE *out, const cli_command *c)
{
    for (size_t i = 0; i < cli_noptions; i++) {
        const cli_option *o = &cli_options[i];
        if (!(o->commands & c->bit))
            continue;
        if (o->short_name)
            fprintf(out, " -%c", o->short_name);
        fprintf(out, " --%s", o->name);
    }
}

/* The `case $cmd:$prev` patterns of c's options whose values complete
 * alike: of one kind ("RULES", or NULL for values readline completes as
 * file names), or with these choices. */
static bool bash_patterns(FILE *out, const cli_command *c, const char *kind, const char *choices)
{
    bool any = false;
    for (size_t i = 0; i < cli_noptions; i++) {
        const cli_option *o = &cli_options[i];
        bool rules = o->arg && strcmp(o->arg, "RULES") == 0;
        bool same = choices ? o->choices && strcmp(o->choices, choices) == 0
                            : !o->choices && (kind ? rules : !rules);
        if (!(o->commands & c->bit) || !o->arg || !same)
            continue;
        fprintf(out, "%s%s:--%s", any ? " | " : "        ", c->name, o->name);
        if (o->short_name)
            fprintf(out, " | %s:-%c", c->name, o->short_name);
        any = true;
    }
    if (any)
        fputs(")\n", out);
    return any;
}

static const char bash_reply[] = "            mapfile -t COMPREPLY < <(compgen ";

static void bash_values(FILE *out, const cli_command *c)
{
    for (size_t i = 0; i < cli_noptions; i++) {
        const cli_option *o = &cli_options[i];
        bool first = true;
        for (size_t k = 0; k < i && first && o->choices; k++)
            first = !(cli_options[k].commands & c->bit) || !cli_options[k].choices ||
                    strcmp(cli_options[k].choices, o->choices) != 0;
        if ((o->commands & c->bit) && o->choices && first &&
            bash_patterns(out, c, NULL, o->choices))
            fprintf(out, "%s-W \"%s\" -- \"$cur\")\n            return ;;\n", bash_reply,
                    o->choices);
    }
    if (bash_patterns(out, c, "RULES", NULL)) {
        fprintf(out, "%s-P \"${cur%%\"${cur##*,}\"}\" -W \"", bash_reply);
        rule_words(out, true);
        fputs("\" -- \"${cur##*,}\")\n            return ;;\n", out);
    }
    if (bash_patterns(out, c, NULL, NULL))
        fputs("            COMPREPLY=()\n            return ;;\n", out);
}

static void bash(FILE *out)
{
    fputs("# bash completion for shardlint (made by `shardlint --help-completion bash`)\n"
          "_shardlint() {\n"
          "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
          "    local cmd='' i\n"
          "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
          "        case ${COMP_WORDS[i]} in -*) ;; *) cmd=${COMP_WORDS[i]}; break ;; esac\n"
          "    done\n"
          "    if [[ -z $cmd ]]; then\n"
          "        mapfile -t COMPREPLY < <(compgen -W \"",
          out);
    for (size_t i = 0; i < cli_ncommands; i++)
        fprintf(out, "%s ", cli_commands[i].name);
    fputs("help --help --version\" -- \"$cur\")\n        return\n    fi\n"
          "    case $cmd:$prev in\n",
          out);
    for (size_t i = 0; i < cli_ncommands; i++)
        bash_values(out, &cli_commands[i]);
    fputs("    esac\n    case $cmd in\n", out);
    for (size_t i = 0; i < cli_ncommands; i++) {
        const cli_command *c = &cli_commands[i];
        fprintf(out, "        %s) local opts=\"", c->name);
        bash_option_words(out, c);
        fputs("\" ;;\n", out);
    }
    fputs("        help) mapfile -t COMPREPLY < <(compgen -W \"", out);
    for (size_t i = 0; i < cli_ncommands; i++)
        fprintf(out, "%s%s", i ? " " : "", cli_commands[i].name);
    fputs("\" -- \"$cur\"); return ;;\n"
          "        *) return ;;\n"
          "    esac\n"
          "    if [[ $cur == -* ]]; then\n"
          "        mapfile -t COMPREPLY < <(compgen -W \"$opts\" -- \"$cur\")\n"
          "    elif [[ $cmd == explain ]]; then\n"
          "        mapfile -t COMPREPLY < <(compgen -W \"",
          out);
    rule_words(out, false);
    fputs("\" -- \"$cur\")\n"
          "    fi\n"
          "}\n"
          "complete -o bashdefault -o default -F _shardlint shardlint\n",
          out);
}

/* ---- zsh ------------------------------------------------------------------------- */

/* The first clause of a help text, inside single quotes: up to ". " or
 * ": ", brackets made parentheses (they end a zsh description). */
static void zsh_describe(FILE *out, const char *help)
{
    for (const char *p = help; *p; p++) {
        if ((p[0] == '.' || p[0] == ':') && (p[1] == ' ' || !p[1]))
            break;
        if (*p == '\'')
            fputs("'\\''", out);
        else
            fputc(*p == '[' ? '(' : *p == ']' ? ')' : *p, out);
    }
}

static void zsh_action(FILE *out, const cli_option *o)
{
    if (o->choices)
        fprintf(out, ":%s:(%s)", o->arg, o->choices);
    else if (strcmp(o->arg, "RULES") == 0) {
        fputs(":rules:_sequence compadd - ", out);
        rule_words(out, true);
    } else if (strcmp(o->arg, "DIR") == 0)
        fputs(":dir:_files -/", out);
    else if (strcmp(o->arg, "N") == 0)
        fputs(":count: ", out);
    else
        fprintf(out, ":%s:_files", o->arg);
}

static void zsh_option(FILE *out, const cli_option *o)
{
    fputs("        '", out);
    if (repeatable(o))
        fputc('*', out);
    else if (o->short_name)
        fprintf(out, "(-%c --%s)'{-%c,--%s}'", o->short_name, o->name, o->short_name, o->name);
    if (!o->short_name || repeatable(o))
        fprintf(out, "--%s", o->name);
    fputc('[', out);
    zsh_describe(out, o->help);
    fputc(']', out);
    if (o->arg)
        zsh_action(out, o);
    fputs("' \\\n", out);
}

static void zsh(FILE *out)
{
    fputs("#compdef shardlint\n"
          "# zsh completion for shardlint (made by `shardlint --help-completion zsh`)\n"
          "_shardlint() {\n"
          "    local -a commands\n"
          "    commands=(\n",
          out);
    for (size_t i = 0; i < cli_ncommands; i++) {
        fprintf(out, "        '%s:", cli_commands[i].name);
        zsh_describe(out, cli_commands[i].summary);
        fputs("'\n", out);
    }
    fputs("    )\n"
          "    if (( CURRENT == 2 )); then\n"
          "        _describe command commands\n"
          "        return\n"
          "    fi\n"
          "    local cmd=$words[2]\n"
          "    shift words\n"
          "    (( CURRENT-- ))\n"
          "    case $cmd in\n",
          out);
    for (size_t i = 0; i < cli_ncommands; i++) {
        const cli_command *c = &cli_commands[i];
        fprintf(out, "    %s)\n        _arguments -s \\\n", c->name);
        for (size_t k = 0; k < cli_noptions; k++)
            if (cli_options[k].commands & c->bit)
                zsh_option(out, &cli_options[k]);
        if (c->bit & CLI_EXPLAIN) {
            fputs("        ':rule:(", out);
            rule_words(out, false);
            fputs(")'\n", out);
        } else if (!(c->bit & CLI_RULES)) {
            fputs("        '*:path or key=value:_files'\n", out);
        }
        fputs("        ;;\n", out);
    }
    fputs("    esac\n}\n_shardlint \"$@\"\n", out);
}

int cli_completion(FILE *out, const char *shell)
{
    if (strcmp(shell, "bash") == 0)
        bash(out);
    else if (strcmp(shell, "zsh") == 0)
        zsh(out);
    else
        return -1;
    return 0;
}
