/* The YAML floor of the benchmark: parses each file named on the command line
 * with libyaml's event API and builds nothing, so its time is the least any
 * tool that reads these files must spend.
 *   yaml_floor FILE...
 * Prints the number of events; exits 2 when a file cannot be read or parsed. */
#include <stdio.h>

#include <yaml.h>

static int parse_file(const char *path, unsigned long *events)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    yaml_parser_t p;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_file(&p, f);
    int rc = 0;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            fprintf(stderr, "%s:%zu:%zu: %s\n", path, p.problem_mark.line + 1,
                    p.problem_mark.column + 1, p.problem ? p.problem : "parse error");
            rc = -1;
            break;
        }
        yaml_event_type_t type = ev.type;
        yaml_event_delete(&ev);
        (*events)++;
        if (type == YAML_STREAM_END_EVENT)
            break;
    }
    yaml_parser_delete(&p);
    fclose(f);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: yaml_floor FILE...\n");
        return 2;
    }
    unsigned long events = 0;
    int status = 0;
    for (int i = 1; i < argc; i++)
        if (parse_file(argv[i], &events) < 0)
            status = 2;
    printf("%d files, %lu events\n", argc - 1, events);
    return status;
}
