#!/usr/bin/env bash
# Writes the seed corpus of one libFuzzer harness (tests/fuzz/fuzz_NAME.c)
# into DIR, from the fixtures: usage: tests/fuzz/seeds.sh NAME DIR
# A new harness adds its case here.
set -euo pipefail
name=$1 dir=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
mkdir -p "$dir"
seed() { cat >"$(mktemp "$dir/seed-XXXXXX")"; }

# An LSP message: Content-Length framing around a JSON body.
frame() { printf 'Content-Length: %d\r\n\r\n%s' "${#1}" "$1"; }

case $name in
yaml)
    find fixtures -name '*.yml' -size -64k | sort | while read -r f; do seed <"$f"; done
    for f in fixtures/example/configs/gpu/*.yml; do
        { cat fixtures/example/configs/base.yml; printf '\0'; sed 's/^base_config:.*/base_config: base.yml/' "$f"
          printf '\0ici_expert_parallelism=-1\0sparse_matmul=False\0capacity_factor=1.25'; } | seed
    done ;;
sh)
    find fixtures -name '*.sh' | sort | while read -r f; do seed <"$f"; done ;;
py)
    find fixtures -name '*.py' | sort | while read -r f; do seed <"$f"; done ;;
check)
    script=fixtures/checkout/tests/end_to_end/gpu/mixtral/train.sh
    for f in fixtures/example/configs/gpu/*.yml fixtures/example/configs/models/*.yml; do
        { sed 's/^base_config:.*/base_config: base.yml/' "$f"; printf '\0'; cat "$script"; printf '\0'
          cat fixtures/checkout/src/maxtext/layers/moe.py; printf '\0ici_fsdp_parallelism=1'; } | seed
    done ;;
lsp)
    open=$(python3 -c 'import json,sys; print(json.dumps({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": "file:///tmp/shardlint-fuzz-lsp/configs/gpu/ep.yml", "languageId": "yaml", "version": 1, "text": open(sys.argv[1]).read()}}}))' fixtures/example/configs/gpu/mixtral-8x7b-ep.yml)
    { frame '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{},"rootUri":"file:///tmp/shardlint-fuzz-lsp"}}'
      frame '{"jsonrpc":"2.0","method":"initialized","params":{}}'
      frame "$open"
      frame '{"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///tmp/shardlint-fuzz-lsp/configs/gpu/ep.yml"},"position":{"line":17,"character":5}}}'
      frame '{"jsonrpc":"2.0","id":3,"method":"textDocument/codeAction","params":{"textDocument":{"uri":"file:///tmp/shardlint-fuzz-lsp/configs/gpu/ep.yml"},"range":{"start":{"line":0,"character":0},"end":{"line":30,"character":0}},"context":{"diagnostics":[]}}}'
      frame '{"jsonrpc":"2.0","id":4,"method":"shutdown"}'
      frame '{"jsonrpc":"2.0","method":"exit"}'; } | seed
    frame '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}' | seed
    printf 'Content-Length: 99999999999\r\n\r\n{}' | seed
    printf 'Content-Type: x\r\nContent-Length: 2\r\n\r\n{}Content-Length: 3\r\n\r\n[1]' | seed ;;
*)
    echo "seeds.sh: no seeds for $name" >&2
    exit 1 ;;
esac
