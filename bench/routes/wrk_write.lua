-- wrk -s (prepended to wrk_report.lua by run.py) for write routes: every request gets its own key,
-- so a create never hits a duplicate and a PUT never overwrites the key another connection just wrote.
-- wrk ... -s script URL -- PREFIX METHOD PATH-TEMPLATE BODY-TEMPLATE [HEADER=VALUE-TEMPLATE ...]
-- In the templates "{k}" becomes <prefix>-<thread>-<n> (n counts this thread's requests) and "{ip}"
-- a client address that changes every 40 requests, 10.<run>.x.y (<run>: the number that ends the
-- prefix, so warm-up and rounds never reuse an address within a rate-limit window) (X-Forwarded-For under TRUST_PROXY=1:
-- many clients, each under a per-IP rate limit).
local counter = 0
local thread_no = 0
local threads = {}
setup = function(thread)
  thread_no = thread_no + 1
  thread:set("tid", thread_no)
  table.insert(threads, thread)
end
init = function(args)
  prefix, method, path_t, body_t = args[1], args[2], args[3], args[4]
  hdrs = {}
  for i = 5, #args do
    local k, v = string.match(args[i], "^([^=]+)=(.*)$")
    if k then hdrs[k] = v end
  end
  if body_t ~= nil and body_t ~= "" then hdrs["Content-Type"] = hdrs["Content-Type"] or "application/json" end
  tid = tid or 0
  run_no = tonumber(string.match(prefix, "(%d+)$")) or 0
end
local function fill(t, k, ip)
  return (string.gsub(string.gsub(t, "{k}", k), "{ip}", ip))
end
request = function()
  counter = counter + 1
  local k = prefix .. "-" .. tid .. "-" .. counter
  local c = math.floor(counter / 40)
  local ip = "10." .. (run_no % 256) .. "." .. ((tid * 64 + math.floor(c / 256)) % 256) .. "." .. (c % 256)
  local h = {}
  for name, v in pairs(hdrs) do h[name] = fill(v, k, ip) end
  local b = nil
  if body_t ~= nil and body_t ~= "" then b = fill(body_t, k, ip) end
  return wrk.format(method, fill(path_t, k, ip), h, b)
end
