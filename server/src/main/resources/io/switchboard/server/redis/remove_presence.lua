-- Forgets one connection of a user, idempotently; the inverse of add_presence.lua.
-- KEYS and ARGV as for add_presence.lua; a room whose last member left leaves KEYS[4].
-- Returns 1 when this was the user's last connection there, else 0.
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
