#!/bin/sh
# The benchmark: times shardlint as whole processes on a MaxText checkout
# against the floors (libyaml, rg), a peer (yamllint) and synthetic trees,
# and prints a Markdown report of the figures and the targets of issue 7.
#   bench/run.sh MAXTEXT_CHECKOUT [BUILD_DIR]
# BUILD_DIR (default build-rel) is configured as a Release build when it
# does not exist yet. BENCH_RUNS (default 7) sets the runs per case, e.g. 3
# for a quick run; BENCH_MEM_CAP_MIB (default 4096) caps each process.
# Exits 0 whether or not the targets are met; non-zero only when the
# benchmark cannot run.
set -eu
usage="usage: bench/run.sh MAXTEXT_CHECKOUT [BUILD_DIR]"
checkout=${1:?$usage}
here=$(cd "$(dirname "$0")" && pwd)
build=${2:-$here/../build-rel}
"$here/build.sh" "$build" shardlint yaml_floor
exec python3 -B "$here/bench.py" "$checkout" "$build"
