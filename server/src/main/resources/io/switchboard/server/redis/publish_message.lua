-- Assigns a room message its offset, finishes its frame and publishes it, as one step, so that
-- every node receives a room's messages in offset order.
-- KEYS[1] room sequence, KEYS[2] room epoch, KEYS[3] room channel
-- ARGV[1] the frame up to and including "offset":, ARGV[2] an epoch to use if the room has none
-- Returns {offset, epoch}.
local epoch = redis.call('GET', KEYS[2])
if not epoch then
  epoch = ARGV[2]
  redis.call('SET', KEYS[2], epoch)
end
local offset = redis.call('INCR', KEYS[1])
redis.call('PUBLISH', KEYS[3], ARGV[1] .. offset .. '}')
return {offset, epoch}
