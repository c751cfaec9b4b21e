-- A room's newest offset and its epoch (created if the room has none yet).
-- KEYS[1] room sequence, KEYS[2] room epoch; ARGV[1] an epoch to use if the room has none
-- Returns {offset, epoch}.
local epoch = redis.call('GET', KEYS[2])
if not epoch then
  epoch = ARGV[1]
  redis.call('SET', KEYS[2], epoch)
end
local offset = tonumber(redis.call('GET', KEYS[1]) or '0')
return {offset, epoch}
