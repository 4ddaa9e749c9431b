#!/bin/sh
# Re-records the expected output of fixtures/cases/NAME (all cases when no
# name is given) from the current build. Review the diff before committing:
# the recorded files are the tests' expectations. A case runs in the folder
# its `cwd` file names (default: the top of the tree), with its `stdin` file
# (default: nothing) as standard input.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${SHARDLINT:-$top/build/shardlint}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
cd "$top"
for dir in ${@:-fixtures/cases/*}; do
    dir=$top/fixtures/cases/$(basename "$dir")
    cwd=$top
    [ ! -f "$dir/cwd" ] || cwd=$top/$(cat "$dir/cwd")
    input=/dev/null
    [ ! -f "$dir/stdin" ] || input=$dir/stdin
    set +e
    # shellcheck disable=SC2046
    (cd "$cwd" && "$bin" $(cat "$dir/args")) <"$input" >"$dir/stdout" 2>"$dir/stderr"
    echo $? >"$dir/status"
    set -e
    [ -s "$dir/stderr" ] || rm -f "$dir/stderr"
    [ -s "$dir/stdout" ] || : >"$dir/stdout"
done
