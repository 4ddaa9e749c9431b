#!/bin/sh
# Re-records the expected output of fixtures/cases/NAME (all cases when no
# name is given) from the current build. Review the diff before committing:
# the recorded files are the tests' expectations.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${SHARDLINT:-$top/build/shardlint}
cd "$top"
for dir in ${@:-fixtures/cases/*}; do
    dir=fixtures/cases/$(basename "$dir")
    set +e
    # shellcheck disable=SC2046
    "$bin" $(cat "$dir/args") >"$dir/stdout" 2>"$dir/stderr"
    echo $? >"$dir/status"
    set -e
    [ -s "$dir/stderr" ] || rm -f "$dir/stderr"
    [ -s "$dir/stdout" ] || : >"$dir/stdout"
done
