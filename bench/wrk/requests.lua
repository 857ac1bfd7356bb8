-- wrk script for the StoryArchive benchmark.
--
-- BENCH_ROUTE picks what every request asks for:
--   quotes   GET /stories/{id}/quotes   with id uniform in 1..BENCH_MAX_ID
--   story    GET /stories/{id}
--   search   GET /quotes?q={word}        with word from BENCH_WORDS (a file, one word a line)
--   healthz  GET /healthz (or BENCH_PATH), one fixed request
-- Each thread seeds its own generator from its number, so a run's sequence of ids repeats.
-- done() prints one line "BENCHJSON {...}" with the figures bench/run records.

local route = os.getenv("BENCH_ROUTE") or "quotes"
local max_id = tonumber(os.getenv("BENCH_MAX_ID") or "1000")
local words_path = os.getenv("BENCH_WORDS")

local counter = 0
local threads = {}

function setup(thread)
  counter = counter + 1
  thread:set("thread_number", counter)
  table.insert(threads, thread)
end

local words = {}

function init(args)
  math.randomseed(7919 * (thread_number or 1))
  if route == "search" then
    if words_path then
      for line in io.lines(words_path) do
        if #line > 0 then table.insert(words, line) end
      end
    end
    if #words == 0 then words = { "harbour" } end
  end
end

-- A static route keeps wrk's one pre-built request (no Lua call per request), so the load
-- generator spends as little of the shared CPU as it can on the cheapest route.
if route == "quotes" then
  request = function()
    return wrk.format("GET", "/stories/" .. math.random(1, max_id) .. "/quotes")
  end
elseif route == "story" then
  request = function()
    return wrk.format("GET", "/stories/" .. math.random(1, max_id))
  end
elseif route == "search" then
  request = function()
    return wrk.format("GET", "/quotes?q=" .. words[math.random(1, #words)])
  end
else
  wrk.path = os.getenv("BENCH_PATH") or "/healthz"
end

-- Counting every status needs a Lua call per response; only when asked (BENCH_STATUSES=1).
-- Without it, wrk's own count of non-2xx/3xx responses is still reported.
local status_counts = {}
if os.getenv("BENCH_STATUSES") == "1" then
  response = function(status, headers, body)
    status_counts[status] = (status_counts[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local statuses = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("status_counts")
    if counts then
      for status, n in pairs(counts) do
        statuses[tostring(status)] = (statuses[tostring(status)] or 0) + n
      end
    end
  end
  local parts = {}
  for status, n in pairs(statuses) do
    table.insert(parts, string.format('"%s":%d', status, n))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests":%d,"duration_us":%d,"bytes":%d,"rps":%.1f,' ..
    '"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,"mean_ms":%.3f,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},"statuses":{%s}}\n',
    summary.requests, summary.duration, summary.bytes, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, latency.mean / 1000,
    e.connect, e.read, e.write, e.status, e.timeout, table.concat(parts, ",")))
end
