-- wrk -s (prepended to wrk_report.lua by run.py) for write routes: every request gets its own key,
-- so a create never hits a duplicate and a PUT never overwrites the key another connection just wrote.
-- Arguments after "--": METHOD PATH-TEMPLATE BODY-TEMPLATE [HEADER=VALUE ...]; "{k}" in the templates
-- becomes <run prefix>-<thread>-<n>. The run prefix is the first argument after the method:
-- wrk ... -s script URL -- PREFIX METHOD PATH BODY [HEADER=VALUE ...].
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
end
request = function()
  counter = counter + 1
  local k = prefix .. "-" .. tid .. "-" .. counter
  local p = string.gsub(path_t, "{k}", k)
  local b = nil
  if body_t ~= nil and body_t ~= "" then b = string.gsub(body_t, "{k}", k) end
  return wrk.format(method, p, hdrs, b)
end
