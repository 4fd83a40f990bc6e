-- wrk script for tests/load/run.py: readers cycling through the paths given after "--"
-- (home, issue and search pages), counting every status code so the run can prove "no 5xx".

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  paths = args
  statuses = {}
  counter = math.random(0, #paths - 1)
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      counts[#counts + 1] = string.format('"%d": %d', status, n)
    end
  end
  local errors = summary.errors
  io.write(string.format(
    'LOAD-RESULT {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"mean": %.1f, "p50": %d, "p95": %d, "p99": %d, "max": %d}, "statuses": [{%s}]}\n',
    summary.requests, summary.duration, summary.bytes,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency.mean, latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    table.concat(counts, "}, {")))
end
