#!/bin/sh
# Times the Python scanner against ripgrep on the same .py files.
#   bench/scan_bench.sh DIR [BUILD_DIR]
# DIR is a MaxText checkout's src/maxtext; the known logical names are taken
# from DIR/configs/base.yml. Both tools get ROUNDS runs; the best of each
# is compared, the ratio printed as scan/rg.
set -eu
DIR=${1:?usage: bench/scan_bench.sh MAXTEXT_SRC_DIR [BUILD_DIR]}
BUILD=${2:-$(dirname "$0")/../build}
ROUNDS=${ROUNDS:-7}
BENCH=$BUILD/scan_bench
KNOWN=$(mktemp)
trap 'rm -f "$KNOWN"' EXIT

# Rule names: the first element of each logical_axis_rules entry.
sed -n '/^logical_axis_rules:/,/^]/p' "$DIR/configs/base.yml" |
    grep -oE "^[[:space:]]*\[[[:space:]]*'[A-Za-z0-9_]+'" | grep -oE "[A-Za-z0-9_]+" |
    sort -u >"$KNOWN"


scan_line=$("$BENCH" --known "$KNOWN" --rounds "$ROUNDS" "$DIR")
scan_ms=$(echo "$scan_line" | awk '{print $4}')

# Best process wall time of ROUNDS runs of a command, in ms.
best_wall() {
    best=
    i=0
    while [ $i -lt "$ROUNDS" ]; do
        t0=$(date +%s%N)
        "$@" >/dev/null || true
        t1=$(date +%s%N)
        us=$(( (t1 - t0) / 1000 ))
        if [ -z "$best" ] || [ "$us" -lt "$best" ]; then best=$us; fi
        i=$((i + 1))
    done
    awk "BEGIN { printf \"%.3f\", $best / 1000 }"
}

rg_ms=$(best_wall rg -c --no-filename -g '*.py' "\(\s*['\"]activation_|logical" "$DIR")
scan_wall_ms=$(best_wall "$BENCH" --known "$KNOWN" --rounds 1 "$DIR")

echo "known names: $(wc -l <"$KNOWN"), files: $(find "$DIR" -name '*.py' | wc -l)"
echo "scan_bench: $scan_line (in-process, best of $ROUNDS)"
echo "scan_bench: best_ms $scan_wall_ms (process wall time, best of $ROUNDS)"
echo "rg:         best_ms $rg_ms (process wall time, best of $ROUNDS)"
awk "BEGIN { printf \"ratio scan/rg: %.2f in-process, %.2f process wall\n\", $scan_ms / $rg_ms, $scan_wall_ms / $rg_ms }"
