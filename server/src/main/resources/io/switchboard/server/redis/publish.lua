-- Gives a publication (room message or direct message) its stream's next offset, finishes its
-- frame, keeps it in the stream's history and publishes it, as one step: every node receives
-- a stream in offset order, and history holds exactly what was published.
-- KEYS[1] sequence, KEYS[2] epoch, KEYS[3] channel, KEYS[4] history stream
-- ARGV[1] the frame up to and including "offset":, ARGV[2] an epoch to use if the stream has
-- none, ARGV[3] history size (0: keep none), ARGV[4] history TTL (ms), ARGV[5] TTL of the
-- offset and epoch (ms), ARGV[6] the time (Unix ms) after which the sender has given up waiting
-- Returns {offset, epoch}, or {-1} when Redis runs the script after ARGV[6]: then nothing is done,
-- since the sender has told its client that the publication failed.
local now = redis.call('TIME')
if tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) > tonumber(ARGV[6]) then
  return {-1}
end
local epoch = redis.call('GET', KEYS[2])
if not epoch then
  -- A new stream, or one whose offset and epoch expired: what history remains is not its own.
  epoch = ARGV[2]
  redis.call('SET', KEYS[2], epoch)
  redis.call('DEL', KEYS[4])
end
local offset = redis.call('INCR', KEYS[1])
local frame = ARGV[1] .. offset .. '}'
if tonumber(ARGV[3]) > 0 then
  redis.call('XADD', KEYS[4], 'MAXLEN', ARGV[3], offset .. '-0', 'f', frame)
  redis.call('PEXPIRE', KEYS[4], ARGV[4])
else
  redis.call('DEL', KEYS[4])
end
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
redis.call('PUBLISH', KEYS[3], frame)
return {offset, epoch}
