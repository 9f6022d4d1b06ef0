-- Vectors: a growable Vector (append/at:/remove) and fixed Arrays.
-- Same algorithm as examples/bench/Vectors.som.  The Vector class below
-- mirrors the SOM kernel's Vector (spec 4.14): storage array plus first/last
-- indices, capacity doubling on append, bounds-checked at.
-- usage: lua5.4 Vectors.lua [n]
local Vector = {}
Vector.__index = Vector

function Vector.new(capacity)
  capacity = capacity or 50
  return setmetatable({ first = 1, last = 1, storage = {}, capacity = capacity }, Vector)
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

function Vector:at(index)
  local i = index + self.first - 1
  if self.first <= i and i < self.last then return self.storage[i] end
  error("Vector[" .. self.first .. ".." .. self.last .. "]: Index " .. i .. " out of bounds")
end

function Vector:size() return self.last - self.first end

function Vector:remove()
  if self.last > self.first then
    self.last = self.last - 1
    local value = self.storage[self.last]
    self.storage[self.last] = nil
    return value
  end
  error("Vector: Attempting to remove the last element from an empty Vector")
end

local Vectors = {}
Vectors.__index = Vectors

function Vectors.new() return setmetatable({}, Vectors) end

function Vectors:round(seed)
  local v = Vector.new()
  local x = seed
  for _ = 1, 1000 do
    x = (x * 31 + 7) % 10007
    v:append(x)
  end
  local arr = {}
  local size = v:size()
  for i = 1, size do arr[i] = v:at(i) end
  local sum = 0
  for i = 1, #arr do sum = sum + (arr[i] * i) % 101 end
  while v:size() > 0 do sum = sum + v:remove() end
  return sum
end

function Vectors:run(n)
  local total = 0
  for r = 1, n do total = (total + self:round(r)) % 1000003 end
  print("Vectors " .. n .. " " .. total)
end

Vectors.new():run(tonumber(arg[1]) or 100)
