-- Sieve: sieve of Eratosthenes over an array of booleans, repeated n times.
-- Same algorithm as examples/bench/Sieve.som.  usage: lua5.4 Sieve.lua [n]
local Sieve = {}
Sieve.__index = Sieve

function Sieve.new() return setmetatable({}, Sieve) end

function Sieve:sieve(size)
  local flags = {}
  for i = 1, size do flags[i] = true end
  local count = 0
  for i = 2, size do
    if flags[i] then
      count = count + 1
      local k = i + i
      while k <= size do
        flags[k] = false
        k = k + i
      end
    end
  end
  return count
end

function Sieve:run(n)
  local count = 0
  for _ = 1, n do count = count + self:sieve(8192) end
  print("Sieve " .. n .. " " .. count)
end

Sieve.new():run(tonumber(arg[1]) or 100)
