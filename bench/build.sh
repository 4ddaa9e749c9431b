#!/bin/sh
# Brings the benchmarks' build up to date: BUILD_DIR is configured as a
# Release build without tests when it does not exist yet, then TARGETs are
# built. Build output goes to standard error, keeping reports clean.
#   bench/build.sh BUILD_DIR TARGET...
set -eu
build=${1:?usage: bench/build.sh BUILD_DIR TARGET...}
shift
if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$(dirname "$0")/.." -B "$build" -DCMAKE_BUILD_TYPE=Release -DSHARDLINT_TESTS=OFF >&2
fi
cmake --build "$build" -j2 --target "$@" >&2
