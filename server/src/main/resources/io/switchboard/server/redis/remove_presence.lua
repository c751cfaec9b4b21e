-- Forgets one connection of a user, idempotently; the inverse of add_presence.lua.
-- KEYS and ARGV as for add_presence.lua; a room whose last member left leaves KEYS[4].
-- KEYS[5], when given, is the heartbeat key of the node that registered the connection, which
-- is being cleaned up as dead: if that heartbeat is there again, the node is alive (Redis
-- stalled, or the node was slow) and nothing is removed.
-- Returns 1 when this was the user's last connection there, 0 when not, -2 when the owner lives.
if KEYS[5] and redis.call('EXISTS', KEYS[5]) == 1 then
  return -2
end
redis.call('SREM', KEYS[3], ARGV[3])
local last = 0
if redis.call('SREM', KEYS[1], ARGV[2]) == 1 then
  if redis.call('HINCRBY', KEYS[2], ARGV[1], -1) <= 0 then
    redis.call('HDEL', KEYS[2], ARGV[1])
    last = 1
  end
end
if ARGV[4] ~= '' and redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('SREM', KEYS[4], ARGV[4])
end
return last
