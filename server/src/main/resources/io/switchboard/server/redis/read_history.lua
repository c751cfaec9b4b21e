-- Reads a stream's kept publications after an offset, with the stream's position, as one step.
-- KEYS[1] sequence, KEYS[2] epoch, KEYS[3] history stream
-- ARGV[1] read publications with offsets above this, ARGV[2] at most this many (0: all),
-- ARGV[3] an epoch to use if the stream has none, ARGV[4] TTL of the epoch (ms),
-- ARGV[5] '1': the newest of them, newest first; '0': the oldest, oldest first
-- Returns {offset, epoch, {frame, ...}}.
local epoch = redis.call('GET', KEYS[2])
if not epoch then
  epoch = ARGV[3]
  redis.call('SET', KEYS[2], epoch, 'PX', ARGV[4])
  redis.call('DEL', KEYS[3])
end
local top = tonumber(redis.call('GET', KEYS[1]) or '0')
local entries
local after = '(' .. ARGV[1] .. '-0'
if ARGV[5] == '1' then
  if tonumber(ARGV[2]) > 0 then
    entries = redis.call('XREVRANGE', KEYS[3], '+', after, 'COUNT', ARGV[2])
  else
    entries = redis.call('XREVRANGE', KEYS[3], '+', after)
  end
elseif tonumber(ARGV[2]) > 0 then
  entries = redis.call('XRANGE', KEYS[3], after, '+', 'COUNT', ARGV[2])
else
  entries = redis.call('XRANGE', KEYS[3], after, '+')
end
local frames = {}
for i, entry in ipairs(entries) do
  frames[i] = entry[2][2]
end
return {top, epoch, frames}
