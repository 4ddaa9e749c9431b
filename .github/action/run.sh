#!/usr/bin/env bash
# The steps of the shardlint action (action.yml at the repository root), one
# subcommand each, so that tests/action_test.sh runs the very same steps
# outside GitHub. Inputs come as INPUT_* variables, results go to
# $GITHUB_OUTPUT as the runner expects.
#
#   run.sh key     the cache key of this checkout of shardlint (its sources' hash)
#   run.sh deps    the Debian/Ubuntu packages to build (cache miss) or to run
#   run.sh build   builds shardlint into $SHARDLINT_BIN_DIR
#   run.sh check   lints the paths, writes SARIF, records the exit status
#   run.sh verdict fails when the findings reach the fail level
set -euo pipefail

src=${GITHUB_ACTION_PATH:?}
bin_dir=${SHARDLINT_BIN_DIR:?}

output() {
    echo "$1=$2" >>"${GITHUB_OUTPUT:?}"
}

key() {
    local hash
    hash=$(cd "$src" && find CMakeLists.txt include lint rules -type f | LC_ALL=C sort |
        xargs sha256sum | sha256sum | cut -c1-16)
    output hash "$hash"
}

# Only what is missing is installed: a runner that has it all (a cache hit,
# or a container image with the packages) needs no network.
deps() {
    local want="libyaml-0-2 libpcre2-8-0 libcjson1" missing="" pkg
    if [ "${CACHE_HIT:-}" != true ]; then
        want="$want cmake make gcc pkg-config libyaml-dev libpcre2-dev libcjson-dev"
    fi
    command -v dpkg-query >/dev/null || {
        echo "::error::the shardlint action runs on Debian or Ubuntu runners (apt)"
        exit 1
    }
    for pkg in $want; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" ||
            missing="$missing $pkg"
    done
    [ -n "$missing" ] || return 0
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        $missing >/dev/null
}

build() {
    local dir=${RUNNER_TEMP:?}/shardlint-build
    cmake -S "$src" -B "$dir" -DCMAKE_BUILD_TYPE=Release -DSHARDLINT_TESTS=OFF >/dev/null
    cmake --build "$dir" --target shardlint -j"$(nproc)" >/dev/null
    mkdir -p "$bin_dir"
    cp "$dir/shardlint" "$bin_dir/shardlint"
}

# The repository the run is in, as the command line finds it (the nearest
# .git above the working directory): SARIF names files from it, and
# upload-sarif must be given the same folder.
repo_root() {
    local dir
    dir=$(pwd -P)
    while [ "$dir" != / ] && [ ! -e "$dir/.git" ]; do
        dir=$(dirname "$dir")
    done
    [ -e "$dir/.git" ] || dir=$(pwd -P)
    echo "$dir"
}

check() {
    cd "${INPUT_WORKING_DIRECTORY:-.}"
    local root sarif args=() paths=() words=() line status
    root=$(repo_root)
    sarif=$(realpath -m "${INPUT_SARIF_FILE:?}")
    # Paths split on white space, never globbed; overrides one per line, so
    # that a value may hold spaces.
    set -f
    read -r -d '' -a paths <<<"${INPUT_PATHS:?the paths input is required}" || true
    set +f
    while IFS= read -r line; do
        line=$(echo "$line" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')
        [ -z "$line" ] || words+=("$line")
    done <<<"${INPUT_OVERRIDES:-}"
    [ -z "${INPUT_DEVICES:-}" ] || args+=(--devices "$INPUT_DEVICES")
    [ -z "${INPUT_SLICES:-}" ] || args+=(--slices "$INPUT_SLICES")
    [ -z "${INPUT_CONFIG:-}" ] || args+=(--config "$INPUT_CONFIG")
    case ${INPUT_FAIL_LEVEL:-none} in
    none) ;;
    note | warning | error) args+=(--fail-level "$INPUT_FAIL_LEVEL") ;;
    *)
        echo "::error::fail-level must be none, note, warning or error, not '$INPUT_FAIL_LEVEL'"
        exit 1
        ;;
    esac
    rm -f "$sarif"
    set +e
    "$bin_dir/shardlint" check "${paths[@]}" "${words[@]}" "${args[@]}" --root "$root" \
        --format sarif --output "$sarif"
    status=$?
    set -e
    output exit-code "$status"
    output sarif-file "$sarif"
    output root "$root"
    if [ ! -s "$sarif" ]; then
        echo "::error::shardlint wrote no SARIF (exit status $status)"
        exit 1
    fi
}

verdict() {
    local status=${EXIT_CODE:?}
    if [ "${INPUT_FAIL_LEVEL:-none}" != none ] && [ "$status" != 0 ]; then
        echo "::error::shardlint check exited with status $status (fail-level $INPUT_FAIL_LEVEL)"
        exit 1
    fi
}

case ${1:-} in
key | deps | build | check | verdict) "$1" ;;
*)
    echo "usage: run.sh key|deps|build|check|verdict" >&2
    exit 2
    ;;
esac
