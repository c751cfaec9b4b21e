-- Records one connection of a user in a set (of a room, or of everyone online), idempotently.
-- KEYS[1] set of the connections, KEYS[2] hash user -> connection count, KEYS[3] the node's
-- registry, KEYS[4] set of active rooms
-- ARGV[1] user, ARGV[2] the connection's member in KEYS[1], ARGV[3] its member in KEYS[3],
-- ARGV[4] the room to list in KEYS[4] ('' for none)
-- Returns 1 when this is the user's first connection there, else 0.
redis.call('SADD', KEYS[3], ARGV[3])
if ARGV[4] ~= '' then
  redis.call('SADD', KEYS[4], ARGV[4])
end
if redis.call('SADD', KEYS[1], ARGV[2]) == 1 then
  if redis.call('HINCRBY', KEYS[2], ARGV[1], 1) == 1 then
    return 1
  end
end
return 0
