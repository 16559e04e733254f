-- wrk script of scripts/load.sh and scripts/soak.sh: POSTs a realistic
-- ChatBot.com webhook (about 850 bytes) to /chatbot, spread over SESSIONS
-- conversations (1 000 unless the environment says otherwise). Every
-- request is built once, in init, so wrk spends no more per request than
-- with a fixed body. done() prints one machine-readable line for the script.
--
-- With STOP_AFTER=N (and THREADS, wrk's -t), each thread stops once it has
-- N/THREADS answers and creates the file STOP_MARK<thread number>, so that
-- soak.sh sends N webhooks, not a duration's worth.

local sessions = tonumber(os.getenv("SESSIONS") or "1000")
local requests = {}
local n = 0

local body = [[{"conversationId":"%s","result":{"source":"app","resolvedQuery":"I want to return my shoes","confidence":0.65,"score":1,"lifespan":2,"incomplete":false,"storyId":"6b099b4d3e7ff5c46c069d64","interaction":{"id":"6b099b4dfa8882b85f704a6c","name":"Returns","action":"order.return"},"parameters":{},"sessionParameters":{},"contexts":[{"id":"6b099b4dfa8882b85f704a6c","name":"Returns","action":"order.return","parameters":{}},{"type":"welcome","name":"Welcome Interaction","action":"default.welcome","parameters":{}}],"fulfillment":[{"type":"webhook","debug":true,"webhookId":"6b099b4df4fbb7eefd8bdd6c","used":true},{"type":"text","delay":1000,"message":"No problem. Returns are free within 30 days."}]},"sessionId":"%s","timestamp":"2026-11-27T15:01:33.210Z","status":{"code":200,"type":"success"}}]]

local stop_after = tonumber(os.getenv("STOP_AFTER") or "0")
local threads = 0

function setup(thread)
   threads = threads + 1
   thread:set("number", threads)
end

function init(args)
   for i = 1, sessions do
      local conv = string.format("6b099b4d%016x", i)
      local sess = string.format("5e1f%020x", i)
      requests[i] = wrk.format("POST", "/chatbot", {["Content-Type"] = "application/json"}, string.format(body, conv, sess))
   end
   -- Threads start at different sessions, so they do not move in step.
   n = (number * 7919) % sessions
end

function request()
   n = n % sessions + 1
   return requests[n]
end

if stop_after > 0 then
   local answered = 0
   local share = math.ceil(stop_after / tonumber(os.getenv("THREADS") or "1"))
   function response(status, headers, body)
      answered = answered + 1
      if answered == share then
         wrk.thread:stop()
         io.open(os.getenv("STOP_MARK") .. number, "w"):close()
      end
   end
end

function done(summary, latency, requests)
   io.write(string.format("RESULT requests=%d non2xx=%d connect=%d read=%d write=%d timeout=%d duration_us=%d p50_us=%d p99_us=%d\n",
      summary.requests, summary.errors.status, summary.errors.connect, summary.errors.read,
      summary.errors.write, summary.errors.timeout, summary.duration,
      latency:percentile(50), latency:percentile(99)))
end
