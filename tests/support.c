#include "support.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shardlint/cli.h"

const char *fixture(const char *rel)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/fixtures/%s", SHARDLINT_SOURCE_DIR, rel);
    return buf;
}

char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static char *drain(FILE *f)
{
    fflush(f);
    long n = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    size_t got = fread(buf, 1, (size_t)n, f);
    buf[got] = '\0';
    fclose(f);
    return buf;
}

cli_run run_cli_at(const char *const *args, const char *cwd, const char *input)
{
    char *argv[128];
    int argc = 0;
    argv[argc++] = "shardlint";
    for (; args[argc - 1] && argc < 127; argc++)
        argv[argc] = (char *)args[argc - 1];
    argv[argc] = NULL;
    if (!freopen(input ? input : "/dev/null", "r", stdin))
        abort();
    if (chdir(SHARDLINT_SOURCE_DIR) != 0 || (cwd && chdir(cwd) != 0))
        abort();
    FILE *out = tmpfile(), *err = tmpfile();
    cli_run r;
    r.status = sl_cli_main(argc, argv, out, err);
    r.out = drain(out);
    r.err = drain(err);
    return r;
}

cli_run run_cli(const char *const *args)
{
    return run_cli_at(args, NULL, NULL);
}

cli_run run_cli_str_at(const char *args, const char *cwd, const char *input)
{
    char *copy = strdup(args);
    const char *words[128];
    size_t n = 0;
    for (char *w = strtok(copy, " \n"); w && n < 127; w = strtok(NULL, " \n"))
        words[n++] = w;
    words[n] = NULL;
    cli_run r = run_cli_at(words, cwd, input);
    free(copy);
    return r;
}

cli_run run_cli_str(const char *args)
{
    return run_cli_str_at(args, NULL, NULL);
}

void cli_run_free(cli_run *r)
{
    free(r->out);
    free(r->err);
}

cJSON *json_parse(const char *text)
{
    cJSON *j = cJSON_Parse(text);
    cr_assert_not_null(j, "not JSON:\n%s", text);
    return j;
}

cJSON *json_path(cJSON *j, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *save = NULL, *k = strtok_r(buf, ".", &save); k && j; k = strtok_r(NULL, ".", &save))
        j = cJSON_IsArray(j) ? cJSON_GetArrayItem(j, atoi(k))
                             : cJSON_GetObjectItemCaseSensitive(j, k);
    cr_assert_not_null(j, "no %s", path);
    return j;
}

const char *json_str(cJSON *j, const char *path)
{
    cJSON *x = json_path(j, path);
    cr_assert(cJSON_IsString(x), "%s is not a string", path);
    return x->valuestring;
}

double json_num(cJSON *j, const char *path)
{
    cJSON *x = json_path(j, path);
    cr_assert(cJSON_IsNumber(x), "%s is not a number", path);
    return x->valuedouble;
}

static char tree_dir[64];

const char *tree_make(const char *from, const char *to)
{
    strcpy(tree_dir, "/tmp/shardlint-tree-XXXXXX");
    cr_assert_not_null(mkdtemp(tree_dir));
    cr_assert_eq(chmod(tree_dir, 0755), 0);
    char cmd[8448];
    snprintf(cmd, sizeof cmd, "cp -r '%s' '%s/%s'", fixture(from), tree_dir, to);
    cr_assert_eq(system(cmd), 0);
    return tree_dir;
}

const char *tree_path(const char *rel)
{
    static char buf[4][512];
    static int next;
    char *p = buf[next++ % 4];
    snprintf(p, 512, "%s/%s", tree_dir, rel);
    return p;
}

void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

void tree_write(const char *rel, const char *text)
{
    write_file(tree_path(rel), text);
}

void tree_remove(void)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "chmod -R u+rwx '%s'; rm -rf '%s'", tree_dir, tree_dir);
    cr_assert_eq(system(cmd), 0);
}

int sarif_validate(const char *text, char *msg, size_t size)
{
    char path[] = "/tmp/shardlint-sarif-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f)
        return -1;
    fputs(text, f);
    fclose(f);
    char cmd[8192];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c 'import json,sys,jsonschema\n"
             "s=json.load(open(sys.argv[1])); d=json.load(open(sys.argv[2]))\n"
             "v=jsonschema.validators.validator_for(s)(s)\n"
             "es=list(v.iter_errors(d))\n"
             "[print(list(e.absolute_path), e.message[:300]) for e in es[:5]]\n"
             "sys.exit(1 if es else 0)' '%s' '%s' 2>&1",
             fixture("sarif/sarif-schema-2.1.0.json"), path);
    FILE *p = popen(cmd, "r");
    size_t n = p ? fread(msg, 1, size - 1, p) : 0;
    msg[n] = '\0';
    int status = p ? pclose(p) : -1;
    unlink(path);
    return status;
}
