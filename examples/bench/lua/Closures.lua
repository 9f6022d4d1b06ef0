-- Closures: functions as arguments -- array helpers mirroring the SOM
-- Array library's do:, inject:into:, collect: and select: (select answers a
-- Vector), closures capturing and assigning outer locals, and an early
-- return out of a search.  Same algorithm as examples/bench/Closures.som.
-- usage: lua5.4 Closures.lua [n]

local Vector = {}
Vector.__index = Vector

function Vector.new(capacity)
  return setmetatable({ first = 1, last = 1, storage = {}, capacity = capacity or 50 }, Vector)
end

function Vector:append(element)
  if self.last > self.capacity then
    local newStorage = {}
    for i = 1, self.capacity do newStorage[i] = self.storage[i] end
    self.storage = newStorage
    self.capacity = self.capacity * 2
  end
  self.storage[self.last] = element
  self.last = self.last + 1
  return self
end

function Vector:size() return self.last - self.first end

-- Array library (spec 4.13), as functions over Lua arrays.
local Array = {}

function Array.each(arr, block)
  for i = 1, #arr do block(arr[i]) end
end

function Array.inject(arr, initial, block)
  local acc = initial
  for i = 1, #arr do acc = block(acc, arr[i]) end
  return acc
end

function Array.collect(arr, block)
  local result = {}
  for i = 1, #arr do result[i] = block(arr[i]) end
  return result
end

function Array.select(arr, block)
  local result = Vector.new(#arr)
  for i = 1, #arr do
    local e = arr[i]
    if block(e) then result:append(e) end
  end
  return result
end

local Closures = {}
Closures.__index = Closures

function Closures.new() return setmetatable({}, Closures) end

-- The first element of arr for which block answers true, or nil.
function Closures:detect(block, arr)
  for i = 1, #arr do
    local e = arr[i]
    if block(e) then return e end
  end
  return nil
end

function Closures:round(seed)
  local arr = {}
  for i = 1, 200 do arr[i] = (i * seed) % 1009 end
  local sum = Array.inject(arr, 0, function(a, b) return a + b end)
  local mapped = Array.collect(arr, function(e) return e * 2 + 1 end)
  local count = 0
  Array.each(mapped, function(e) if e % 3 == 0 then count = count + 1 end end)
  local selected = Array.select(arr, function(e) return e > 500 end):size()
  local found = self:detect(function(e) return e > 1000 end, arr)
  if found == nil then found = 0 end
  return sum + count + selected + found
end

function Closures:run(n)
  local total = 0
  for r = 1, n do total = (total + self:round(r)) % 1000003 end
  print("Closures " .. n .. " " .. total)
end

Closures.new():run(tonumber(arg[1]) or 1000)
