-- wrk: DiscoDesk registrations of new addresses, as many small clusters forming at
-- once would: five nodes register into each ID, then the next ID. Each run takes
-- its own slice of the IDs in BENCH_IDS (one per line): BENCH_SLICE of BENCH_SLICES.
local ids = {}
for line in io.lines(os.getenv("BENCH_IDS")) do ids[#ids + 1] = line end
local slices = tonumber(os.getenv("BENCH_SLICES"))
local per_slice = math.floor(#ids / slices)
local first = tonumber(os.getenv("BENCH_SLICE")) * per_slice
local counter = 0

-- Each wrk thread gets its own tag (a global in its Lua state), so no two threads
-- send the same address, and the threads take turns with the IDs.
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("thread_tag", threads)
end

request = function()
  counter = counter + 1
  -- A slice too small for a fast run wraps: its IDs then get more than five nodes.
  local n = math.floor(counter / 5) * 2 + (thread_tag - 1)
  local id = ids[first + (n % per_slice) + 1]
  local body = '{"addr":"host-' .. os.getenv("BENCH_RUN") .. '-' .. thread_tag .. '-' .. counter .. ':4001"}'
  return wrk.format("POST", "/" .. id, {["Content-Type"] = "application/json"}, body)
end
