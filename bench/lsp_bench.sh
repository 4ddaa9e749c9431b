#!/bin/sh
# The language server's keystroke latency on a MaxText checkout: a scripted
# editor session (bench/lsp_bench.py) against a Release build.
#   bench/lsp_bench.sh MAXTEXT_CHECKOUT [BUILD_DIR] [EDITS]
# BUILD_DIR (default build-rel) is configured as a Release build when it
# does not exist yet; EDITS (default 200) is the number of keystrokes.
set -eu
usage="usage: bench/lsp_bench.sh MAXTEXT_CHECKOUT [BUILD_DIR] [EDITS]"
checkout=${1:?$usage}
here=$(cd "$(dirname "$0")" && pwd)
build=${2:-$here/../build-rel}
"$here/build.sh" "$build" shardlint
exec python3 -B "$here/lsp_bench.py" "$checkout" "$build/shardlint" "${3:-200}"
