/* shardlint: a static analyzer for the sharding of MaxText configs. */
#include <malloc.h>
#include <stdio.h>

#include "shardlint/cli.h"

int main(int argc, char **argv)
{
    /* Every target (and every keystroke of the language server) frees its
     * arenas and allocates the next one's: memory handed back to the system
     * would only fault back in, which costs about as much as the lint
     * itself. The heap keeps its peak instead. */
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    mallopt(M_TOP_PAD, 16 << 20);
    return sl_cli_main(argc, argv, stdout, stderr);
}
