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

-- Only the head of the body is searched: a fault is at the start of the document (<methodResponse>
-- then <fault>) and the first struct's statename is within its first kilobyte. Searching all of a
-- 240 KB answer made wrk, on the same two cores, the bottleneck at 16 connections (about 2,000
-- answers/s against 3,300-3,800 with this check), which hid the faster daemon's rate.
response = function(status, headers, body)
  local head = string.sub(body, 1, 1024)
  if status ~= 200 or string.find(head, "<fault>", 1, true) or not string.find(head, "<name>statename</name>", 1, true) then
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
