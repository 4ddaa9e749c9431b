#!/bin/sh
# The pre-commit hook, as a user sets it up: a throw-away git repository
# with a MaxText-like tree (fixtures/checkout), a .pre-commit-config.yaml
# naming this checkout at its HEAD commit, and `pre-commit install`. Then:
# `pre-commit run --all-files` passes on a tree with Python files and YAML
# that is not a MaxText config; a clean commit passes; a commit that turns
# expert parallelism on in the launch script (the expert double-map) is
# refused, with the finding printed. Both hook ids run: `shardlint`, which
# builds its own shardlint, and `shardlint-system`, which runs the one on
# PATH (here the build's).
# Usage: tests/pre_commit_test.sh PRE_COMMIT_HOME SHARDLINT_BINARY
# PRE_COMMIT_HOME keeps the hook's clone and build between runs: the hook
# builds shardlint once per revision.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$1"
PRE_COMMIT_HOME=$(cd "$1" && pwd)
PATH=$(cd "$(dirname "$2")" && pwd):$PATH
export PRE_COMMIT_HOME PATH
command -v pre-commit >/dev/null || {
    echo "pre_commit_test: pre-commit is not installed (.ci/install-deps installs it)" >&2
    exit 1
}
rev=$(git -C "$src" rev-parse HEAD)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() {
    echo "pre_commit_test: $*" >&2
    [ ! -f "$work/out" ] || sed 's/^/  | /' "$work/out" >&2
    exit 1
}

repo="$work/repo"
cp -R "$src/fixtures/checkout" "$repo"
cd "$repo"
script=tests/end_to_end/gpu/mixtral/train.sh
# The launch starts without expert parallelism: nothing to report.
sed -i 's/ici_expert_parallelism=-1 ici_fsdp_parallelism=1$/ici_fsdp_parallelism=-1/' "$script"
grep -q 'ici_fsdp_parallelism=-1$' "$script" || fail "the fixture's launch script changed"
# Parts of the fixture with findings by design (experimental code, the escaping
# case's hostile words) are not part of a clean tree.
rm -r src/maxtext/experimental tests/hostile
mkdir -p src/maxtext/configs/post_train .github/workflows
printf 'lora_module_path: "decoder/layers/.*(query|value)"\n' \
    >src/maxtext/configs/post_train/lora_module_path.yml
printf 'on: push\njobs: {}\n' >.github/workflows/ci.yml
printf 'print("not a config")\n' >setup.py
cat >.pre-commit-config.yaml <<EOF
repos:
  - repo: $src
    rev: $rev
    hooks:
      - id: shardlint
      - id: shardlint-system
EOF

git init -q
git config user.name test
git config user.email test@example.invalid
git config commit.gpgsign false
pre-commit install >/dev/null

git add -A
git commit -q -m "a MaxText-like tree" >"$work/out" 2>&1 || fail "a clean commit was refused"
pre-commit run --all-files >"$work/out" 2>&1 || fail "pre-commit run --all-files failed"
[ "$(grep -c '^shardlint\.*Passed' "$work/out")" = 2 ] ||
    fail "the two hooks did not both run on --all-files"

sed -i 's/ici_fsdp_parallelism=-1$/ici_expert_parallelism=-1 ici_fsdp_parallelism=1/' "$script"
git add "$script"
if git commit -q -m "expert parallelism" >"$work/out" 2>&1; then
    fail "the commit that turns on expert parallelism was not refused"
fi
[ "$(grep -c '^shardlint\.*Failed' "$work/out")" = 2 ] ||
    fail "the two hooks did not both refuse the commit"
grep -q 'warning: .* loses mesh axis .expert. .*\[SL001\]' "$work/out" ||
    fail "the refused commit did not print the SL001 finding"
grep -q "$script:12:5" "$work/out" ||
    fail "the finding does not point at the launch word that turns expert parallelism on"
echo "pre_commit_test: passed (hook at $rev)"
