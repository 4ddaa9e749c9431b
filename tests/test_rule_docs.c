/* docs/rules/ID.md, where SARIF's helpUri points, is `shardlint explain ID`
 * for every rule and nothing else: a rule's documentation has one source,
 * its file in rules/. tests/update_rule_docs.sh rewrites the pages. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shardlint/rule.h"
#include "support.h"

static char *page(const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/docs/rules/%s", SHARDLINT_SOURCE_DIR, name);
    return slurp(path);
}

Test(rule_docs, each_page_is_what_explain_prints)
{
    for (size_t i = 0; i < sl_rule_count; i++) {
        const char *id = sl_rule_registry[i]->id;
        char name[64];
        snprintf(name, sizeof name, "%s.md", id);
        char *want = page(name);
        cr_assert_not_null(want, "docs/rules/%s is missing: run tests/update_rule_docs.sh", name);
        cli_run r = run_cli((const char *const[]){"explain", id, NULL});
        cr_assert_eq(r.status, 0);
        cr_assert_str_eq(r.out, want, "docs/rules/%s is out of date: run tests/update_rule_docs.sh",
                         name);
        cli_run_free(&r);
        free(want);
    }
}

Test(rule_docs, no_page_without_a_rule)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/docs/rules", SHARDLINT_SOURCE_DIR);
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        char id[sizeof e->d_name];
        snprintf(id, sizeof id, "%s", e->d_name);
        char *dot = strrchr(id, '.');
        cr_assert(dot && strcmp(dot, ".md") == 0, "docs/rules/%s is not a rule page", e->d_name);
        *dot = '\0';
        const sl_rule_def *r = sl_rule_find(id);
        cr_assert(r && strcmp(r->id, id) == 0, "docs/rules/%s names no rule", e->d_name);
        n++;
    }
    closedir(d);
    cr_assert_eq(n, sl_rule_count);
}
