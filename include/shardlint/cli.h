/* The command line: `shardlint resolve|check|rules|explain ...`. */
#ifndef SHARDLINT_CLI_H
#define SHARDLINT_CLI_H

#include <stdio.h>

/* Runs one command; returns the exit status (0 clean, 1 findings, 2 usage or
 * input error). Output goes to out, diagnostics about the run to err. */
int sl_cli_main(int argc, char **argv, FILE *out, FILE *err);

#endif
