-- Fib: send-heavy recursion. Same algorithm as examples/bench/Fib.som.
-- usage: lua5.4 Fib.lua [n]
local Fib = {}
Fib.__index = Fib

function Fib.new() return setmetatable({}, Fib) end

function Fib:fib(n)
  if n < 2 then return n end
  return self:fib(n - 1) + self:fib(n - 2)
end

function Fib:run(n)
  local r = self:fib(n)
  print("Fib " .. n .. " " .. r)
end

Fib.new():run(tonumber(arg[1]) or 27)
