-- Renews a node's heartbeat and lists the other registered nodes whose heartbeat has expired.
-- KEYS[1] set of nodes, KEYS[2] this node's heartbeat key
-- ARGV[1] this node's id, ARGV[2] heartbeat time to live (ms), ARGV[3] prefix of heartbeat keys,
-- ARGV[4] this node's report (JSON counts), kept as the heartbeat's value
-- Returns {1 if this node's heartbeat was still there (else its registrations may be gone too),
-- expired node ids...}. A node whose own heartbeat had expired lists none: Redis was stalled or
-- lost its data, or this node was too slow to beat, and the others' heartbeats may have expired
-- for the same reason, so they get one interval to renew theirs before they count as dead.
local alive = redis.call('EXISTS', KEYS[2])
redis.call('SET', KEYS[2], ARGV[4], 'PX', ARGV[2])
redis.call('SADD', KEYS[1], ARGV[1])
local out = {alive}
if alive == 0 then
  return out
end
for _, node in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if node ~= ARGV[1] and redis.call('EXISTS', ARGV[3] .. node) == 0 then
    table.insert(out, node)
  end
end
return out
