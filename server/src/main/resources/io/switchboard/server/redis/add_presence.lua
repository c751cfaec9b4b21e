-- Records one connection of a user in a set (of a room, or of everyone online), idempotently.
-- KEYS[1] set of the connections, KEYS[2] hash user -> connection count, KEYS[3] the node's
-- registry, KEYS[4] set of active rooms
-- ARGV[1] user, ARGV[2] the connection's member in KEYS[1], ARGV[3] its member in KEYS[3],
-- ARGV[4] the room to list in KEYS[4] ('' for none), ARGV[5] the most connections the user may
-- have there ('0' or absent: no limit)
-- Returns the user's connections there with this one (1: the first), 0 when this connection was
-- recorded already, or -1 when the user has the most already: then nothing is recorded.
local limit = tonumber(ARGV[5] or '0')
if limit > 0 and redis.call('SISMEMBER', KEYS[1], ARGV[2]) == 0
    and tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0') >= limit then
  return -1
end
redis.call('SADD', KEYS[3], ARGV[3])
if ARGV[4] ~= '' then
  redis.call('SADD', KEYS[4], ARGV[4])
end
if redis.call('SADD', KEYS[1], ARGV[2]) == 1 then
  return redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
end
return 0
