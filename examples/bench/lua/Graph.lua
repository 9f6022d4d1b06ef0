-- Graph: single-source shortest paths (Dijkstra with a binary min-heap and
-- decrease-key) over a pseudo-random graph of node and edge objects.
-- Same classes and algorithm as examples/bench/Graph.som (GraphNode,
-- GraphEdge, GraphHeap; edge lists are Vectors, mirrored by the Vector class
-- below as in the SOM kernel).  usage: lua5.4 Graph.lua [sources]

---------------------------------------------------------------- Vector
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

function Vector:each(block)
  local storage = self.storage
  for i = self.first, self.last - 1 do block(storage[i]) end
end

---------------------------------------------------------------- graph
local GraphEdge = {}
GraphEdge.__index = GraphEdge

function GraphEdge.new(target, weight)
  return setmetatable({ target = target, weight = weight }, GraphEdge)
end

local GraphNode = {}
GraphNode.__index = GraphNode

function GraphNode.new(id)
  return setmetatable({ id = id, edges = Vector.new(8), dist = 0, heapPos = 0 }, GraphNode)
end

function GraphNode:connect(target, weight)
  self.edges:append(GraphEdge.new(target, weight))
end

local GraphHeap = {}
GraphHeap.__index = GraphHeap

function GraphHeap.new(capacity)
  return setmetatable({ items = {}, size = 0, capacity = capacity }, GraphHeap)
end

function GraphHeap:add(node)
  self.size = self.size + 1
  self.items[self.size] = node
  node.heapPos = self.size
  self:siftUp(self.size)
end

function GraphHeap:siftUp(i)
  local items = self.items
  local k = i
  local node = items[k]
  while k > 1 do
    local parent = items[k // 2]
    if not (parent.dist > node.dist) then break end
    items[k] = parent
    parent.heapPos = k
    k = k // 2
  end
  items[k] = node
  node.heapPos = k
end

function GraphHeap:siftDown(i)
  local items = self.items
  local k = i
  local node = items[k]
  local child = k * 2
  while child <= self.size do
    if child < self.size and items[child + 1].dist < items[child].dist then child = child + 1 end
    if not (items[child].dist < node.dist) then
      items[k] = node
      node.heapPos = k
      return self
    end
    items[k] = items[child]
    items[k].heapPos = k
    k = child
    child = k * 2
  end
  items[k] = node
  node.heapPos = k
  return self
end

function GraphHeap:removeMin()
  local items = self.items
  local top = items[1]
  local last = items[self.size]
  items[self.size] = nil
  self.size = self.size - 1
  if self.size > 0 then
    items[1] = last
    last.heapPos = 1
    self:siftDown(1)
  end
  top.heapPos = 0
  return top
end

local Graph = {}
Graph.__index = Graph

function Graph.new() return setmetatable({ nodes = nil, seed = 0 }, Graph) end

function Graph:nextRandom()
  self.seed = (self.seed * 1103 + 12345) % 65536
  return self.seed
end

function Graph:build(n)
  self.seed = 7
  local nodes = {}
  for i = 1, n do nodes[i] = GraphNode.new(i) end
  self.nodes = nodes
  for i = 1, n do
    local node = nodes[i]
    node:connect(nodes[(i % n) + 1], (self:nextRandom() % 100) + 1)
    for _ = 1, 3 do
      local target = nodes[(self:nextRandom() % n) + 1]
      node:connect(target, (self:nextRandom() % 100) + 1)
    end
  end
end

function Graph:shortestFrom(source)
  local nodes = self.nodes
  for i = 1, #nodes do
    local node = nodes[i]
    node.dist = 1000000000
    node.heapPos = 0
  end
  source.dist = 0
  local heap = GraphHeap.new(#nodes)
  heap:add(source)
  while heap.size > 0 do
    local u = heap:removeMin()
    u.edges:each(function(e)
      local v = e.target
      local nd = u.dist + e.weight
      if nd < v.dist then
        v.dist = nd
        if v.heapPos == 0 then heap:add(v) else heap:siftUp(v.heapPos) end
      end
    end)
  end
  local total = 0
  for i = 1, #nodes do total = total + nodes[i].dist end
  return total
end

function Graph:run(sources)
  self:build(2000)
  local total = 0
  for s = 1, sources do
    total = (total + self:shortestFrom(self.nodes[((s * 37) % 2000) + 1])) % 1000003
  end
  print("Graph " .. sources .. " " .. total)
end

Graph.new():run(tonumber(arg[1]) or 10)
