#!/bin/sh
# Writes docs/rules/ID.md for every rule, as `shardlint explain ID` prints
# it: the pages SARIF's helpUri links to. tests/test_rule_docs.c fails when a
# page differs from its rule's own documentation; run this, then review the
# diff.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${SHARDLINT:-$top/build/shardlint}
mkdir -p "$top/docs/rules"
rm -f "$top"/docs/rules/SL*.md
for id in $("$bin" rules | cut -d' ' -f1); do
    "$bin" explain "$id" >"$top/docs/rules/$id.md"
done
