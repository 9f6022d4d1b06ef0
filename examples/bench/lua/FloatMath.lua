-- FloatMath: an n-body style simulation with doubles and sqrt (a made-up
-- five-body system, not any published data set).  Same algorithm and the
-- same order of floating-point operations as examples/bench/FloatMath.som
-- (SOM evaluates binary operators left to right, so every expression here is
-- parenthesised to match).  usage: lua5.4 FloatMath.lua [steps]
local Body = {}
Body.__index = Body

function Body.new(x, y, z, vx, vy, vz, mass)
  return setmetatable({ x = x, y = y, z = z, vx = vx, vy = vy, vz = vz, mass = mass }, Body)
end

local FloatMath = {}
FloatMath.__index = FloatMath

function FloatMath.new()
  local self = setmetatable({}, FloatMath)
  self.bodies = {
    Body.new(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 10.0),
    Body.new(1.0, 0.0, 0.1, 0.0, 3.1, 0.0, 0.01),
    Body.new(0.0, 2.0, -0.1, -2.2, 0.0, 0.05, 0.02),
    Body.new(-3.0, 0.5, 0.0, 0.3, -1.8, 0.0, 0.005),
    Body.new(0.5, -4.0, 0.2, 1.55, 0.2, -0.01, 0.008),
  }
  self:offsetMomentum()
  return self
end

function FloatMath:offsetMomentum()
  local px, py, pz = 0.0, 0.0, 0.0
  local bodies = self.bodies
  for i = 1, #bodies do
    local b = bodies[i]
    px = px + (b.vx * b.mass)
    py = py + (b.vy * b.mass)
    pz = pz + (b.vz * b.mass)
  end
  local sun = bodies[1]
  sun.vx = 0.0 - (px / sun.mass)
  sun.vy = 0.0 - (py / sun.mass)
  sun.vz = 0.0 - (pz / sun.mass)
end

function FloatMath:advance(dt)
  local bodies = self.bodies
  local n = #bodies
  for i = 1, n do
    local bi = bodies[i]
    for j = i + 1, n do
      local bj = bodies[j]
      local dx = bi.x - bj.x
      local dy = bi.y - bj.y
      local dz = bi.z - bj.z
      local d2 = ((dx * dx) + (dy * dy)) + (dz * dz)
      local mag = dt / (d2 * math.sqrt(d2))
      local mi = bj.mass * mag
      local mj = bi.mass * mag
      bi.vx = bi.vx - (dx * mi)
      bi.vy = bi.vy - (dy * mi)
      bi.vz = bi.vz - (dz * mi)
      bj.vx = bj.vx + (dx * mj)
      bj.vy = bj.vy + (dy * mj)
      bj.vz = bj.vz + (dz * mj)
    end
  end
  for i = 1, n do
    local b = bodies[i]
    b.x = b.x + (dt * b.vx)
    b.y = b.y + (dt * b.vy)
    b.z = b.z + (dt * b.vz)
  end
end

function FloatMath:energy()
  local bodies = self.bodies
  local n = #bodies
  local e = 0.0
  for i = 1, n do
    local b = bodies[i]
    e = e + ((0.5 * b.mass) * (((b.vx * b.vx) + (b.vy * b.vy)) + (b.vz * b.vz)))
    for j = i + 1, n do
      local c = bodies[j]
      local dx = b.x - c.x
      local dy = b.y - c.y
      local dz = b.z - c.z
      e = e - ((b.mass * c.mass) / math.sqrt(((dx * dx) + (dy * dy)) + (dz * dz)))
    end
  end
  return e
end

-- Truncation toward zero (SOM's Double>>asInteger).
local function truncate(x)
  if x >= 0 then return math.floor(x) else return math.ceil(x) end
end

function FloatMath:run(steps)
  local e0 = self:energy()
  for _ = 1, steps do self:advance(0.001) end
  local e1 = self:energy()
  print("FloatMath " .. steps .. " " .. truncate(e0 * 1000000000.0) .. " " .. truncate(e1 * 1000000000.0))
end

FloatMath.new():run(tonumber(arg[1]) or 1000)
