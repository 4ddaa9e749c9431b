/* shardlint: a static analyzer for the sharding of MaxText configs. */
#include <stdio.h>

#include "shardlint/cli.h"

int main(int argc, char **argv)
{
    return sl_cli_main(argc, argv, stdout, stderr);
}
