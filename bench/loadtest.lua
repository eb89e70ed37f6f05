-- wrk script for bench/loadtest.py: GETs one path, or (WRITERS set) mixes in annotation POSTs
-- by signed-in readers; counts answers by status and prints one JSON line at the end.
--
-- Every request asks for gzip, as browsers do. Environment: LOAD_PATH (the page to read),
-- READ_COOKIE (a signed-in reader's cookies for the reads, if set), and for the write mix
-- WRITE_SHARE (0..1),
-- WRITE_PATH, WRITERS ("session:csrf,session:csrf,..."), EXACTS (quotes separated by "|").
-- A reader writes at most once per WRITE_GAP seconds (Gloss limits a reader to 60 notes a
-- minute): when the chosen reader wrote too recently the request is a read instead. The
-- public ids of the notes confirmed saved (302) go to CONFIRMED_FILE, one a line.

local threads = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_id", thread_count)
  table.insert(threads, thread)
end

local function split(text, separator)
  local parts = {}
  for part in string.gmatch(text or "", "([^" .. separator .. "]+)") do
    table.insert(parts, part)
  end
  return parts
end

local function urlencode(text)
  return (string.gsub(text, "[^%w%-_%.~]", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end

function init(args)
  read_path = os.getenv("LOAD_PATH") or "/"
  read_headers = {["Accept-Encoding"] = "gzip"}
  if os.getenv("READ_COOKIE") then read_headers["Cookie"] = os.getenv("READ_COOKIE") end
  write_share = tonumber(os.getenv("WRITE_SHARE") or "0")
  write_path = os.getenv("WRITE_PATH")
  write_gap = tonumber(os.getenv("WRITE_GAP") or "1")
  exacts = split(os.getenv("EXACTS"), "|")
  writers, last_write = {}, {}
  local all = split(os.getenv("WRITERS"), ",")
  -- Each thread writes as its own share of the readers, so the per-reader gap holds.
  for index, pair in ipairs(all) do
    if (index - 1) % tonumber(os.getenv("WRK_THREADS") or "1") == thread_id - 1 then
      local session, csrf = string.match(pair, "([^:]+):([^:]+)")
      table.insert(writers, {session = session, csrf = csrf})
      table.insert(last_write, 0)
    end
  end
  counter = 0
  answers = {s2xx = 0, s3xx = 0, s429 = 0, s4xx = 0, s5xx = 0, writes = 0}
  confirmed = {}
  math.randomseed(os.time() + thread_id)
end

function request()
  counter = counter + 1
  if write_share > 0 and #writers > 0 and math.random() < write_share then
    local index = math.random(#writers)
    local now = os.time()
    if now - last_write[index] >= write_gap then
      last_write[index] = now
      answers.writes = answers.writes + 1
      local writer = writers[index]
      local exact = exacts[math.random(#exacts)]
      local body = "kind=note&visibility=public&exact=" .. urlencode(exact)
        .. "&note=" .. urlencode("Load note " .. thread_id .. "-" .. counter)
      return wrk.format("POST", write_path, {
        ["Content-Type"] = "application/x-www-form-urlencoded",
        ["Accept-Encoding"] = "gzip",
        ["Cookie"] = "sessionid=" .. writer.session .. "; csrftoken=" .. writer.csrf,
        ["X-CSRFToken"] = writer.csrf,
      }, body)
    end
  end
  return wrk.format("GET", read_path, read_headers)
end

function response(status, headers, body)
  if status == 429 then answers.s429 = answers.s429 + 1
  elseif status >= 500 then answers.s5xx = answers.s5xx + 1
  elseif status >= 400 then answers.s4xx = answers.s4xx + 1
  elseif status >= 300 then
    answers.s3xx = answers.s3xx + 1
    -- A saved note redirects to its place in the article: .../#note-<public id>.
    local saved = string.match(headers["Location"] or "", "#note%-([%w_%-]+)$")
    if saved then table.insert(confirmed, saved) end
  else answers.s2xx = answers.s2xx + 1 end
end

function done(summary, latency, requests)
  local total = {s2xx = 0, s3xx = 0, s429 = 0, s4xx = 0, s5xx = 0, writes = 0}
  local ids = io.open(os.getenv("CONFIRMED_FILE") or "/dev/null", "w")
  for _, thread in ipairs(threads) do
    local counted = thread:get("answers")
    for key, value in pairs(counted) do total[key] = total[key] + value end
    for _, saved in ipairs(thread:get("confirmed")) do ids:write(saved, "\n") end
  end
  ids:close()
  local errors = summary.errors
  io.write(string.format(
    '\nLOADTEST {"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p99_ms": %.2f,'
    .. ' "s2xx": %d, "s3xx": %d, "s429": %d, "s4xx": %d, "s5xx": %d, "writes_sent": %d,'
    .. ' "connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, total.s2xx, total.s3xx, total.s429, total.s4xx, total.s5xx,
    total.writes, errors.connect, errors.read, errors.write, errors.timeout))
end
