-- Forgets a dead node once its registrations are removed, unless it is alive again.
-- KEYS[1] set of nodes, KEYS[2] the node's heartbeat key, KEYS[3] the reaper's lock
-- ARGV[1] the node's id
-- Returns 1 when the node was forgotten, 0 when its heartbeat is back (the lock is released, so
-- that the node is cleaned up at once should it die for real).
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('DEL', KEYS[3])
  return 0
end
redis.call('SREM', KEYS[1], ARGV[1])
return 1
