package io.switchboard.server.limits;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * Token buckets per caller: {@code burst} requests at once, refilled at {@code perSecond}. Says
 * what to put in the {@code X-RateLimit-*} headers.
 */
public final class RateLimiter {
    /** Callers tracked before full buckets are forgotten. */
    private static final int MAX_TRACKED = 10_000;

    private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final double perSecond;
    private final int burst;
    private final LongSupplier nanoClock;

    public RateLimiter(double perSecond, int burst, LongSupplier nanoClock) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.nanoClock = nanoClock;
    }

    /** Takes one token for {@code caller}, if there is one; answers the bucket's state either way. */
    public Decision take(String caller) {
        if (buckets.size() > MAX_TRACKED) {
            long now = nanoClock.getAsLong();
            buckets.values().removeIf(bucket -> bucket.isFull(now));
        }
        Bucket bucket = buckets.computeIfAbsent(caller, c -> new Bucket(burst, nanoClock.getAsLong()));
        synchronized (bucket) {
            long now = nanoClock.getAsLong();
            bucket.refill(now);
            boolean allowed = bucket.tokens >= 1;
            if (allowed) {
                bucket.tokens -= 1;
            }
            long resetSeconds = (long) Math.ceil((burst - bucket.tokens) / perSecond);
            long retryAfter = allowed ? 0 : (long) Math.ceil((1 - bucket.tokens) / perSecond);
            return new Decision(allowed, burst, (int) Math.floor(bucket.tokens), resetSeconds, Math.max(1, retryAfter));
        }
    }

    /** The outcome of one request: allowed or not, and the numbers for the response headers. */
    public record Decision(boolean allowed, int limit, int remaining, long resetSeconds, long retryAfterSeconds) {
    }

    private final class Bucket {
        double tokens;
        long stamp;

        Bucket(double tokens, long stamp) {
            this.tokens = tokens;
            this.stamp = stamp;
        }

        void refill(long now) {
            tokens = Math.min(burst, tokens + (now - stamp) / 1e9 * perSecond);
            stamp = now;
        }

        synchronized boolean isFull(long now) {
            refill(now);
            return tokens >= burst;
        }
    }
}
