#!/bin/sh
# `cmake --install`: the binary, the man page and the bash and zsh
# completions land where man and the shells look for them; the man page
# explains every option each command's --help lists; the bash completion
# completes commands, options, their values and rule lists.
# Usage: tests/install_test.sh BUILD_DIR
set -eu
build=$1
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
fail() {
    echo "install_test: $*" >&2
    exit 1
}

cmake --install "$build" --prefix "$prefix" >/dev/null
man="$prefix/share/man/man1/shardlint.1"
bash_completion="$prefix/share/bash-completion/completions/shardlint"
for f in "$prefix/bin/shardlint" "$man" "$bash_completion" "$prefix/share/zsh/site-functions/_shardlint"; do
    [ -s "$f" ] || fail "$f was not installed"
done
bin="$prefix/bin/shardlint"
"$bin" --version | grep -q 'src/maxtext/configs' || fail "--version names no MaxText layout"

options() {
    "$bin" "$1" --help | sed -n 's/^  \(-., \|    \)\(--[a-z-]*\).*/\2/p'
}
[ "$(options check | wc -l)" -ge 20 ] || fail "check --help lists too few options"
for cmd in check resolve rules explain; do
    for opt in $(options "$cmd"); do
        roff=$(printf '%s' "$opt" | sed 's/^--/\\-\\-/')
        grep -qF -- "\\fB$roff\\fR" "$man" || fail "the man page does not explain $cmd $opt"
    done
done
"$bin" check --help | grep -q -- '--stdin-filename' || fail "check --help lists no --stdin-filename"

# complete WORDS...: what the bash completion offers for the last word.
complete_words() {
    bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _shardlint
             [ ${#COMPREPLY[@]} -eq 0 ] || printf "%s\n" "${COMPREPLY[@]}"' complete "$bash_completion" shardlint "$@"
}
expect() {
    want=$1
    shift
    got=$(complete_words "$@" | tr '\n' ' ')
    [ "$got" = "$want" ] || fail "completing '$*': got '$got', expected '$want'"
}
expect "check " ch
expect "--format " check --fo
expect "sarif " check x.yml --format s
expect "SL001,SL001 SL001,SL002 SL001,SL003 SL001,SL004 SL001,SL005 SL001,SL006 SL001,SL007 SL001,SL008 SL001,SL009 " check --select SL001,SL00
expect "--output " check --outp
expect "" check -o ""
expect "SL001 SL002 SL003 SL004 SL005 SL006 SL007 SL008 SL009 " explain SL00
expect "text json " rules --format ""
