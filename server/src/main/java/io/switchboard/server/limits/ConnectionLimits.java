package io.switchboard.server.limits;

import io.switchboard.server.config.LimitSettings;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * The node's connection limits: open connections per IP address and per user, and new
 * connections per IP address per second. Each admitted connection holds a {@link Ticket} that
 * it gives back when it ends. Thread-safe: handshakes on every event loop share it.
 */
public final class ConnectionLimits {
    private final int perIp;
    private final int perUser;
    private final RateLimiter openings;
    private final ConcurrentMap<String, Integer> byIp = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Integer> byUser = new ConcurrentHashMap<>();

    public ConnectionLimits(LimitSettings config, LongSupplier nanoClock) {
        this.perIp = config.maxConnectionsPerIp();
        this.perUser = config.maxConnectionsPerUser();
        double rate = config.connectionRatePerIp();
        this.openings = rate > 0 ? new RateLimiter(rate, (int) Math.max(1, Math.ceil(rate * 2)), nanoClock) : null;
    }

    /** Admits one new connection from {@code ip}, or says which limit it crosses. */
    public Ticket admit(String ip) throws LimitExceededException {
        if (openings != null) {
            RateLimiter.Decision decision = openings.take(ip);
            if (!decision.allowed()) {
                throw new LimitExceededException("too many new connections from " + ip + ": at most "
                        + decision.limit() + " at once", decision.retryAfterSeconds());
            }
        }
        if (!increment(byIp, ip, perIp)) {
            throw new LimitExceededException("too many connections from " + ip + ": at most " + perIp, 1);
        }
        return new Ticket(ip);
    }

    /**
     * Admits one new connection of {@code user} from {@code ip}: both places taken, or neither
     * (the one taken first is given back) and the limit crossed said.
     */
    public Ticket admit(String ip, String user) throws LimitExceededException {
        Ticket ticket = admit(ip);
        ticket.user(user);
        return ticket;
    }

    /** Open connections counted for {@code ip}. */
    public int connectionsFrom(String ip) {
        return byIp.getOrDefault(ip, 0);
    }

    /** Open connections counted for {@code user}. */
    public int connectionsOf(String user) {
        return byUser.getOrDefault(user, 0);
    }

    private static boolean increment(ConcurrentMap<String, Integer> counts, String key, int limit) {
        boolean[] admitted = {false};
        counts.compute(key, (k, n) -> {
            int current = n == null ? 0 : n;
            if (limit > 0 && current >= limit) {
                return n;
            }
            admitted[0] = true;
            return current + 1;
        });
        return admitted[0];
    }

    private static void decrement(ConcurrentMap<String, Integer> counts, String key) {
        counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** One admitted connection's place in the counts. */
    public final class Ticket {
        private final String ip;
        private String user;
        private boolean released;

        private Ticket(String ip) {
            this.ip = ip;
        }

        /**
         * Counts the connection for {@code user} too (once its user is known); when that is one
         * too many, gives the ticket back whole and says so.
         */
        public synchronized void user(String user) throws LimitExceededException {
            if (released || this.user != null) {
                throw new IllegalStateException("a ticket is for one user, once");
            }
            if (!increment(byUser, user, perUser)) {
                release();
                throw new LimitExceededException("too many connections for user " + user + ": at most " + perUser, 1);
            }
            this.user = user;
        }

        /** Gives the connection's places back; idempotent. */
        public synchronized void release() {
            if (released) {
                return;
            }
            released = true;
            decrement(byIp, ip);
            if (user != null) {
                decrement(byUser, user);
            }
        }
    }
}
