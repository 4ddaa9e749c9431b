#!/bin/sh
# Integration test with a real editor: headless Neovim (0.7 or later) runs
# tests/lsp_nvim.lua against the shardlint binary, bounded in time.
#   tests/lsp_nvim.sh SHARDLINT_BINARY
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
SHARDLINT=$1 SCRIPT=$top/fixtures/checkout/tests/end_to_end/gpu/mixtral/train.sh ROOT=$top \
    HOME=$(mktemp -d) XDG_STATE_HOME= XDG_DATA_HOME= \
    timeout 60 nvim --headless -u NONE -i NONE -n -c "luafile $top/tests/lsp_nvim.lua"
