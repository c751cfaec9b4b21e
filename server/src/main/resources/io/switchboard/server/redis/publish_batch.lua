-- Publishes a batch of publications (room and direct messages) and events (join, leave,
-- presence) in the order given, as one step. A publication gets its stream's next offset, its
-- frame finished with it, kept in the stream's history and published; an event is published as
-- it is. Every node therefore receives a stream in offset order, events in their place among
-- its messages, and history holds exactly what was published.
-- KEYS, item after item: a publication's sequence, epoch, channel and history stream (and, for
-- one with an idempotency key, the key's own key); an event's channel.
-- ARGV[1] an epoch for a stream that has none, ARGV[2] TTL of offsets and epochs (ms), ARGV[3]
-- the time (Unix ms) after which the sender has given up waiting, ARGV[4] the command that
-- publishes (PUBLISH, or SPUBLISH on a Redis Cluster, where every key and channel given to one
-- call is in one slot), then item after item:
-- 'p', the frame up to and including "offset":, history size (0: keep none), history TTL (ms);
-- 'i', as 'p' and then how long the idempotency key is kept (ms): published only if that key
-- holds no earlier publication's position, which is then answered instead;
-- or 'e', the frame.
-- Returns {offset, epoch, offset, epoch, ...} for the items in order (0 and '' for an event),
-- or {-1} when Redis runs the script after ARGV[3]: then nothing is done, since the sender has
-- told its clients that these publications failed.
local now = redis.call('TIME')
if tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) > tonumber(ARGV[3]) then
  return {-1}
end
local out = {}
local k = 1
local a = 5
while a <= #ARGV do
  if ARGV[a] == 'e' then
    redis.call(ARGV[4], KEYS[k], ARGV[a + 1])
    out[#out + 1] = 0
    out[#out + 1] = ''
    k = k + 1
    a = a + 2
  else
    local once = ARGV[a] == 'i'
    local earlier = once and redis.call('GET', KEYS[k + 4])
    if earlier then
      -- Published already under this key: its position, as "offset epoch".
      local space = string.find(earlier, ' ', 1, true)
      out[#out + 1] = tonumber(string.sub(earlier, 1, space - 1))
      out[#out + 1] = string.sub(earlier, space + 1)
    else
      local sequence, epochKey, channel, history = KEYS[k], KEYS[k + 1], KEYS[k + 2], KEYS[k + 3]
      local epoch = redis.call('GET', epochKey)
      if not epoch then
        -- A new stream, or one whose offset and epoch expired: what history remains is not its own.
        epoch = ARGV[1]
        redis.call('SET', epochKey, epoch)
        redis.call('DEL', history)
      end
      local offset = redis.call('INCR', sequence)
      local frame = ARGV[a + 1] .. offset .. '}'
      if tonumber(ARGV[a + 2]) > 0 then
        redis.call('XADD', history, 'MAXLEN', ARGV[a + 2], offset .. '-0', 'f', frame)
        redis.call('PEXPIRE', history, ARGV[a + 3])
      else
        redis.call('DEL', history)
      end
      redis.call('PEXPIRE', sequence, ARGV[2])
      redis.call('PEXPIRE', epochKey, ARGV[2])
      redis.call(ARGV[4], channel, frame)
      if once then
        redis.call('SET', KEYS[k + 4], offset .. ' ' .. epoch, 'PX', ARGV[a + 4])
      end
      out[#out + 1] = offset
      out[#out + 1] = epoch
    end
    if once then
      k = k + 5
      a = a + 5
    else
      k = k + 4
      a = a + 4
    end
  end
end
return out
