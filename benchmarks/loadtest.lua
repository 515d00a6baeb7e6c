-- wrk script for benchmarks/loadtest.py: each request is a path drawn at random from
-- LOADTEST_PATHS (one per line); "RANDOM" in a path becomes a new random number each time, so a
-- cache keyed on the raw query string would miss every time.
local paths = {}
for line in string.gmatch(os.getenv("LOADTEST_PATHS") or "/", "[^\n]+") do
  paths[#paths + 1] = line
end
local counter = 0

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
end

function request()
  counter = counter + 1
  local path = paths[math.random(#paths)]
  path = string.gsub(path, "RANDOM", tostring(math.random(1, 2000000000)) .. "x" .. counter)
  return wrk.format("GET", path, {["X-Forwarded-Proto"] = "https"})
end
