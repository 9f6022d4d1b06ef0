-- Loops: integer loops, sums, nested counted loops and a while loop.
-- Same algorithm as examples/bench/Loops.som.  usage: lua5.4 Loops.lua [n]
local Loops = {}
Loops.__index = Loops

function Loops.new() return setmetatable({}, Loops) end

function Loops:run(n)
  local sum, count = 0, 0
  for i = 1, n do
    for j = 1, 100 do
      sum = sum + (i * j) % 13
      count = count + 1
    end
    local k = i
    while k > 1 do
      if k % 2 == 0 then k = k // 2 else k = k - 1 end
      count = count + 1
    end
    sum = sum % 1000003
  end
  print("Loops " .. n .. " " .. sum .. " " .. count)
end

Loops.new():run(tonumber(arg[1]) or 1000)
