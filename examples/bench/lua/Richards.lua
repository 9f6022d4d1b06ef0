-- Richards: a Richards-style operating-system task scheduler, written from
-- scratch for Talc.  Six tasks of four kinds (idle, worker, two handlers, two
-- devices) exchange packets through per-task queues; the scheduler always runs
-- the highest-priority runnable task.  Same classes and algorithm as
-- examples/bench/Richards.som (RichPacket, RichTask and its subclasses,
-- RichScheduler).  usage: lua5.4 Richards.lua [n]

local KIND_WORK, KIND_DEVICE = 0, 1
local ID_IDLE, ID_WORKER, ID_HANDLER_A, ID_HANDLER_B, ID_DEVICE_A, ID_DEVICE_B = 1, 2, 3, 4, 5, 6

---------------------------------------------------------------- packets
local Packet = {}
Packet.__index = Packet

function Packet.new(owner, kind)
  local p = setmetatable({}, Packet)
  p.link = nil
  p.owner = owner
  p.kind = kind
  p.count = 0
  p.data = { 0, 0, 0, 0 }
  return p
end

-- Append self at the end of the queue starting at head; answer the new head.
function Packet:appendTo(head)
  self.link = nil
  if head == nil then return self end
  local p = head
  while p.link ~= nil do p = p.link end
  p.link = self
  return head
end

---------------------------------------------------------------- tasks
local Task = {}
Task.__index = Task

function Task:init(id, priority, queue, scheduler)
  self.link = nil
  self.id = id
  self.priority = priority
  self.queue = queue
  self.held = false
  self.waiting = false
  self.scheduler = scheduler
  return self
end

function Task:isRunnable()
  if self.held then return false end
  if self.waiting then return self.queue ~= nil end
  return true
end

-- Run one step: take the first queued packet (if any) and hand it to the
-- task's behaviour, which answers the next task to consider.
function Task:step()
  local packet = self.queue
  if packet ~= nil then
    self.queue = packet.link
    packet.link = nil
  end
  self.waiting = false
  return self:runWith(packet)
end

-- Put packet in this task's queue; answer the task the scheduler should run next.
function Task:receive(packet, current)
  if self.queue == nil then
    self.queue = packet
    if self.priority > current.priority then return self end
    return current
  end
  self.queue = packet:appendTo(self.queue)
  return current
end

local function subclass(base)
  local c = setmetatable({}, { __index = base })
  c.__index = c
  return c
end

-- Idle: counts down, releasing one of the two devices each time, chosen by a
-- small pseudo-random sequence; holds itself when the count reaches zero.
local IdleTask = subclass(Task)

function IdleTask.new(scheduler, count)
  local t = setmetatable({}, IdleTask):init(ID_IDLE, 0, nil, scheduler)
  t.count = count
  t.seed = 1
  return t
end

function IdleTask:runWith(packet)
  self.count = self.count - 1
  if self.count == 0 then return self.scheduler:holdCurrent() end
  self.seed = (self.seed * 75 + 74) % 65537
  if self.seed % 2 == 0 then return self.scheduler:release(ID_DEVICE_A) end
  return self.scheduler:release(ID_DEVICE_B)
end

-- Worker: fills each work packet with letters and sends it to the handlers,
-- alternating between A and B.
local WorkerTask = subclass(Task)

function WorkerTask.new(scheduler, queue)
  local t = setmetatable({}, WorkerTask):init(ID_WORKER, 1000, queue, scheduler)
  t.destination = ID_HANDLER_A
  t.letter = 0
  return t
end

function WorkerTask:runWith(packet)
  if packet == nil then return self.scheduler:waitCurrent() end
  if self.destination == ID_HANDLER_A then
    self.destination = ID_HANDLER_B
  else
    self.destination = ID_HANDLER_A
  end
  packet.count = 0
  local data = packet.data
  for i = 1, 4 do
    self.letter = self.letter + 1
    if self.letter > 26 then self.letter = 1 end
    data[i] = self.letter
  end
  return self.scheduler:send(packet, self.destination)
end

-- Handler: collects work packets and device packets; sends the letters of
-- the first work packet to its device one device packet at a time, then
-- returns the work packet to its sender.
local HandlerTask = subclass(Task)

function HandlerTask.new(scheduler, id, priority, queue, device)
  local t = setmetatable({}, HandlerTask):init(id, priority, queue, scheduler)
  t.device = device
  t.work = nil
  t.devicePackets = nil
  return t
end

function HandlerTask:runWith(packet)
  if packet ~= nil then
    if packet.kind == KIND_WORK then
      self.work = packet:appendTo(self.work)
    else
      self.devicePackets = packet:appendTo(self.devicePackets)
    end
  end
  local w = self.work
  if w == nil then return self.scheduler:waitCurrent() end
  if w.count >= 4 then
    self.work = w.link
    return self.scheduler:send(w, w.owner)
  end
  local d = self.devicePackets
  if d == nil then return self.scheduler:waitCurrent() end
  self.devicePackets = d.link
  w.count = w.count + 1
  d.count = w.data[w.count]
  return self.scheduler:send(d, self.device)
end

-- Device: keeps the packet it receives and holds itself; when released, it
-- "outputs" the packet's letter (adds it to the checksum) and returns it.
local DeviceTask = subclass(Task)

function DeviceTask.new(scheduler, id, priority)
  local t = setmetatable({}, DeviceTask):init(id, priority, nil, scheduler)
  t.pending = nil
  return t
end

function DeviceTask:runWith(packet)
  if packet == nil then
    local p = self.pending
    if p == nil then return self.scheduler:waitCurrent() end
    self.pending = nil
    self.scheduler:output(p.count)
    return self.scheduler:send(p, p.owner)
  end
  self.pending = packet
  return self.scheduler:holdCurrent()
end

---------------------------------------------------------------- scheduler
local Scheduler = {}
Scheduler.__index = Scheduler

function Scheduler.new()
  local s = setmetatable({}, Scheduler)
  s.tasks = { nil, nil, nil, nil, nil, nil }
  s.taskList = nil
  s.current = nil
  s.queueCount = 0
  s.holdCount = 0
  s.checksum = 0
  return s
end

-- Tasks are added in increasing priority, so the list runs from the highest
-- priority down.
function Scheduler:add(task)
  task.link = self.taskList
  self.taskList = task
  self.tasks[task.id] = task
end

function Scheduler:holdCurrent()
  self.holdCount = self.holdCount + 1
  self.current.held = true
  return self.current.link
end

function Scheduler:waitCurrent()
  self.current.waiting = true
  return self.current
end

function Scheduler:release(id)
  local t = self.tasks[id]
  t.held = false
  if t.priority > self.current.priority then return t end
  return self.current
end

function Scheduler:send(packet, id)
  local t = self.tasks[id]
  self.queueCount = self.queueCount + 1
  packet.link = nil
  packet.owner = self.current.id
  return t:receive(packet, self.current)
end

function Scheduler:output(letter)
  self.checksum = (self.checksum * 3 + letter) % 65521
end

function Scheduler:schedule()
  local t = self.taskList
  while t ~= nil do
    if t:isRunnable() then
      self.current = t
      t = t:step()
    else
      t = t.link
    end
  end
end

function Scheduler:setUp(count)
  self:add(IdleTask.new(self, count))
  local work = Packet.new(ID_WORKER, KIND_WORK)
  work = Packet.new(ID_WORKER, KIND_WORK):appendTo(work)
  self:add(WorkerTask.new(self, work))
  local devA = Packet.new(ID_DEVICE_A, KIND_DEVICE)
  devA = Packet.new(ID_DEVICE_A, KIND_DEVICE):appendTo(devA)
  devA = Packet.new(ID_DEVICE_A, KIND_DEVICE):appendTo(devA)
  self:add(HandlerTask.new(self, ID_HANDLER_A, 2000, devA, ID_DEVICE_A))
  local devB = Packet.new(ID_DEVICE_B, KIND_DEVICE)
  devB = Packet.new(ID_DEVICE_B, KIND_DEVICE):appendTo(devB)
  devB = Packet.new(ID_DEVICE_B, KIND_DEVICE):appendTo(devB)
  self:add(HandlerTask.new(self, ID_HANDLER_B, 3000, devB, ID_DEVICE_B))
  self:add(DeviceTask.new(self, ID_DEVICE_A, 4000))
  self:add(DeviceTask.new(self, ID_DEVICE_B, 5000))
end

local Richards = {}
Richards.__index = Richards

function Richards.new() return setmetatable({}, Richards) end

function Richards:run(n)
  local s = Scheduler.new()
  s:setUp(n)
  s:schedule()
  print("Richards " .. n .. " " .. s.queueCount .. " " .. s.holdCount .. " " .. s.checksum)
end

Richards.new():run(tonumber(arg[1]) or 10000)
