#!/usr/bin/env bash
# The example code-scanning workflow, as far as it runs without GitHub: the
# action's own steps (.github/action/run.sh, in action.yml's order) with the
# inputs the workflow gives it over action.yml's defaults, on a MaxText-style
# checkout (fixtures/checkout made a repository). The cache and the upload
# are GitHub's; the SARIF log the upload would get must validate against
# SARIF 2.1.0 and name its files from the repository.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
workflow=$top/.github/workflows/shardlint-code-scanning.yml
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() {
    echo "action_test: $*" >&2
    exit 1
}

# name=value for each input: action.yml's defaults, then the `with:` of the
# workflow step that uses the action (later lines win).
inputs() {
    awk '/^inputs:/ { on = 1; next }
         on && /^[^ ]/ { on = 0 }
         on && /^  [a-z][a-z-]*:[ ]*$/ { name = $1; sub(":", "", name) }
         on && /^    default:/ { v = $0; sub(/^    default:[ ]*/, "", v); gsub(/^'"'"'|'"'"'$/, "", v)
                                 print name "=" v }' "$top/action.yml"
    awk '/uses: shardlint\/shardlint@/ { found = 1; next }
         found && !with && /^[ ]*with:[ ]*$/ { with = 1; indent = -1; next }
         with { match($0, /^ */); n = RLENGTH
                if (indent < 0) indent = n
                if (n < indent || $0 ~ /^[ ]*-/) exit
                line = substr($0, n + 1); k = line; sub(/:.*/, "", k)
                v = line; sub(/^[^:]*:[ ]*/, "", v)
                if (v ~ /^[|>]/) { print "block scalars are not read here" > "/dev/stderr"; exit 1 }
                print k "=" v }' "$workflow"
}

steps=$(grep -o 'run.sh" [a-z]*' "$top/action.yml" | awk '{ print $2 }' | tr '\n' ' ')
[ "$steps" = "key deps build check verdict " ] || fail "action.yml runs '$steps'; update this test"

while IFS='=' read -r name value; do
    export "INPUT_$(echo "$name" | tr 'a-z-' 'A-Z_')=$value"
done < <(inputs)
[ -n "${INPUT_PATHS:-}" ] || fail "the workflow gives the action no paths"

repo=$work/repo
cp -R "$top/fixtures/checkout" "$repo"
mkdir "$repo/.git"
export GITHUB_ACTION_PATH=$top GITHUB_OUTPUT=$work/output GITHUB_WORKSPACE=$repo
export RUNNER_TEMP=$work SHARDLINT_BIN_DIR=$work/shardlint-bin
cd "$repo"
step() {
    "$top/.github/action/run.sh" "$@"
}
out() {
    sed -n "s/^$1=//p" "$GITHUB_OUTPUT" | tail -n 1
}

step key
[ -n "$(out hash)" ] || fail "no cache key"
CACHE_HIT='' step deps
step build
[ -x "$SHARDLINT_BIN_DIR/shardlint" ] || fail "build left no shardlint"
step check
sarif=$(out sarif-file)
[ "$(out root)" = "$(cd "$repo" && pwd -P)" ] || fail "root $(out root), not the checkout"
[ "$(out exit-code)" = 1 ] || fail "exit status $(out exit-code): the fixture has findings"

python3 - "$top/fixtures/sarif/sarif-schema-2.1.0.json" "$sarif" <<'EOF'
import json, sys, jsonschema
schema, log = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:])
errors = list(jsonschema.validators.validator_for(schema)(schema).iter_errors(log))
for e in errors[:5]:
    print(list(e.absolute_path), e.message[:300])
results = log["runs"][0]["results"]
uris = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in results]
assert results, "no results"
assert all(u.get("uriBaseId") == "%SRCROOT%" and not u["uri"].startswith("file:") for u in uris), uris
assert any(u["uri"] == "tests/end_to_end/gpu/mixtral/train.sh" for u in uris), uris
sys.exit(1 if errors else 0)
EOF

EXIT_CODE=$(out exit-code) step verdict || fail "fail-level ${INPUT_FAIL_LEVEL} failed the job"
if INPUT_FAIL_LEVEL=warning EXIT_CODE=1 step verdict >/dev/null 2>&1; then
    fail "fail-level warning let findings pass"
fi
echo "action_test: ok ($(wc -c <"$sarif") bytes of SARIF)"
