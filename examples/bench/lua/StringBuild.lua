-- StringBuild: string concatenation, number-to-string, symbols (interned
-- strings), equality and one-character substrings.
-- Same algorithm as examples/bench/StringBuild.som.  usage: lua5.4 StringBuild.lua [n]
local StringBuild = {}
StringBuild.__index = StringBuild

function StringBuild.new() return setmetatable({}, StringBuild) end

function StringBuild:run(n)
  local total, hits, ones = 0, 0, 0
  local line = ""
  for i = 1, n do
    local s = "k" .. tostring(i % 500)
    local sym = s                                 -- asSymbol: Lua strings are interned
    if sym == ("k" .. tostring(i % 500)) then hits = hits + 1 end
    if sym == s then hits = hits + 1 end
    if s:sub(2, 2) == "1" then ones = ones + 1 end
    line = line .. s .. ":" .. tostring(i) .. " "
    if #line > 100 then
      total = total + #line
      line = ""
    end
  end
  total = total + #line
  print("StringBuild " .. n .. " " .. total .. " " .. hits .. " " .. ones)
end

StringBuild.new():run(tonumber(arg[1]) or 10000)
