-- wrk script (events/bench.py): every request is one supervisor.sendRemoteCommEvent, i.e. one
-- REMOTE_COMMUNICATION event, so wrk is an event source as fast as the daemon answers.
wrk.method = "POST"
wrk.path = "/RPC2"
wrk.headers["Content-Type"] = "text/xml"
wrk.body = "<?xml version='1.0'?>\n<methodCall>\n<methodName>supervisor.sendRemoteCommEvent</methodName>\n" ..
  "<params>\n<param>\n<value><string>bench</string></value>\n</param>\n" ..
  "<param>\n<value><string>0123456789abcdef0123456789abcdef</string></value>\n</param>\n</params>\n</methodCall>\n"

-- Each wrk thread runs its own copy of this script, and done() runs in yet another: the threads'
-- counts are collected through setup()'s thread handles, or done() would always print 0.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

wrong = 0

function response(status, headers, body)
  if status ~= 200 or not string.find(body, "<boolean>1</boolean>", 1, true) then
    wrong = wrong + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("wrong")
  end
  io.write(string.format("non-200 or wrong answers: %d\n", total))
end
