-- The active rooms with their member and connection counts.
-- KEYS[1] set of active rooms; ARGV[1] prefix of the rooms' member hashes
-- Returns {room, users, connections, room, users, connections, ...}.
local out = {}
for _, room in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local counts = redis.call('HVALS', ARGV[1] .. room)
  if #counts == 0 then
    redis.call('SREM', KEYS[1], room)
  else
    local connections = 0
    for _, n in ipairs(counts) do
      connections = connections + tonumber(n)
    end
    table.insert(out, room)
    table.insert(out, #counts)
    table.insert(out, connections)
  end
end
return out
