-- Headless Neovim as a language client: opens the launch script named by
-- $SCRIPT with `shardlint lsp` ($SHARDLINT) attached, and exits 0 once the
-- SL001 diagnostic arrives on the line of the word that turns expert
-- parallelism on, 1 if it has not after 20 seconds.
local bin, script, root = os.getenv('SHARDLINT'), os.getenv('SCRIPT'), os.getenv('ROOT')
vim.cmd('edit ' .. vim.fn.fnameescape(script))
local buf = vim.api.nvim_get_current_buf()
local client = vim.lsp.start_client({ name = 'shardlint', cmd = { bin, 'lsp' }, root_dir = root })
vim.lsp.buf_attach_client(buf, client)

local found = vim.wait(20000, function()
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == 'SL001' and d.lnum == 11 and d.col == 4 then
      return true
    end
  end
  return false
end, 50)

if not found then
  io.stderr:write('no SL001 diagnostic at 12:5; diagnostics: ' .. vim.inspect(vim.diagnostic.get(buf)) .. '\n')
end
vim.lsp.stop_client(client)
vim.cmd(found and 'qall!' or 'cquit! 1')
