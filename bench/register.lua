-- wrk: DiscoDesk registrations of new addresses, spread over the IDs in ids.txt
-- (one per line), as many clusters registering at once would.
local ids = {}
for line in io.lines(os.getenv("BENCH_IDS")) do ids[#ids + 1] = line end
local counter = 0

-- Each wrk thread gets its own tag (a global in its Lua state), so no two threads
-- send the same key.
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("thread_tag", threads)
end

request = function()
  counter = counter + 1
  local id = ids[(counter % #ids) + 1]
  local body = '{"addr":"host-' .. os.getenv("BENCH_RUN") .. '-' .. thread_tag .. '-' .. counter .. ':4001"}'
  return wrk.format("POST", "/" .. id, {["Content-Type"] = "application/json"}, body)
end
