-- Forgets one connection of a user, idempotently; the inverse of add_presence.lua.
-- KEYS and ARGV as for add_presence.lua.
-- Returns 1 when this was the user's last connection there, else 0.
redis.call('SREM', KEYS[3], ARGV[3])
if redis.call('SREM', KEYS[1], ARGV[2]) == 1 then
  if redis.call('HINCRBY', KEYS[2], ARGV[1], -1) <= 0 then
    redis.call('HDEL', KEYS[2], ARGV[1])
    return 1
  end
end
return 0
