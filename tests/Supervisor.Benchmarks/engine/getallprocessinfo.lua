-- wrk script: POST supervisor.getAllProcessInfo to /RPC2 on every request (used by engine/run.sh).
wrk.method = "POST"
wrk.path = "/RPC2"
wrk.headers["Content-Type"] = "text/xml"
wrk.body = "<?xml version='1.0'?>\n<methodCall>\n<methodName>supervisor.getAllProcessInfo</methodName>\n<params>\n</params>\n</methodCall>\n"

-- Count answers that are not a 200 with a process list, so a run full of errors cannot pass for a fast one.
-- Each wrk thread runs its own copy of this script and done() runs in yet another, so the threads'
-- counts are collected through setup()'s thread handles (a plain local would always print 0).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

errors = 0

response = function(status, headers, body)
  if status ~= 200 or string.find(body, "<fault>", 1, true) or not string.find(body, "<name>statename</name>", 1, true) then
    errors = errors + 1
  end
end

done = function(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("errors")
  end
  io.write(string.format("non-200 or wrong answers: %d\n", total))
end
