/* Shared by the Criterion tests: fixture paths and running the CLI
 * in-process with its output captured. */
#ifndef SHARDLINT_TEST_SUPPORT_H
#define SHARDLINT_TEST_SUPPORT_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* SHARDLINT_SOURCE_DIR "/fixtures/" rel, in a static buffer. */
const char *fixture(const char *rel);

/* Whole file, NUL-terminated, malloc'd; NULL when unreadable. */
char *slurp(const char *path);

typedef struct {
    int status;
    char *out;   /* malloc'd */
    char *err;   /* malloc'd */
} cli_run;

/* Runs sl_cli_main on a NULL-terminated argv (argv[0] excluded) with the
 * working directory set to the source tree. */
cli_run run_cli(const char *const *args);
/* The same, run in the folder cwd of the source tree (NULL: its top) with
 * standard input read from the file `input` (NULL: empty). */
cli_run run_cli_at(const char *const *args, const char *cwd, const char *input);
/* The same, with the arguments as one space-separated string. */
cli_run run_cli_str(const char *args);
cli_run run_cli_str_at(const char *args, const char *cwd, const char *input);
void cli_run_free(cli_run *r);

/* The value at a dotted path ("runs.0.results.2.ruleId": array indices and
 * object keys); the test fails when there is none, or, for json_str and
 * json_num, when it is not a string or a number. */
cJSON *json_path(cJSON *j, const char *path);
const char *json_str(cJSON *j, const char *path);
double json_num(cJSON *j, const char *path);
/* text parsed; the test fails when it is not JSON. */
cJSON *json_parse(const char *text);

/* Writes text to path, replacing what it held; the test fails when it cannot. */
void write_file(const char *path, const char *text);

/* A fresh folder under /tmp holding a copy of fixtures/<from> at <to>; its
 * path. One tree at a time: tree_remove deletes it, read-only parts too. */
const char *tree_make(const char *from, const char *to);
/* <tree>/rel, in one of four rotating static buffers. */
const char *tree_path(const char *rel);
void tree_write(const char *rel, const char *text);
void tree_remove(void);

/* Validates a SARIF log (text) against fixtures/sarif/sarif-schema-2.1.0.json
 * with Debian's python3-jsonschema; returns its exit status (0: valid) and
 * leaves the validator's report in msg. */
int sarif_validate(const char *text, char *msg, size_t size);

#endif
