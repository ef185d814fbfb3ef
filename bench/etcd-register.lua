-- wrk: etcd's own discovery write, a member key created under a token directory
-- with prevExist=false, as an etcd member does at bootstrap.
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
  local member = string.format("%04x%04x%08x", tonumber(os.getenv("BENCH_RUN")), thread_tag, counter)
  local body = "value=m" .. counter .. "%3Dhttp%3A%2F%2F127.0.0.1%3A2380"
  return wrk.format("PUT", os.getenv("BENCH_TOKEN_PATH") .. "/" .. member .. "?prevExist=false",
                    {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
