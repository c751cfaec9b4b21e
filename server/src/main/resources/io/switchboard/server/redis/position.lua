-- A stream's newest offset and its epoch (created if the stream has none yet).
-- KEYS[1] sequence, KEYS[2] epoch, KEYS[3] history stream
-- ARGV[1] an epoch to use if the stream has none, ARGV[2] TTL of the epoch (ms)
-- Returns {offset, epoch}.
local epoch = redis.call('GET', KEYS[2])
if not epoch then
  epoch = ARGV[1]
  redis.call('SET', KEYS[2], epoch, 'PX', ARGV[2])
  redis.call('DEL', KEYS[3])
end
local offset = tonumber(redis.call('GET', KEYS[1]) or '0')
return {offset, epoch}
