package io.switchboard.server.config;

/**
 * The budgets of users, addresses, connections and API keys.
 *
 * @param maxConnectionsPerUser open connections of one user ({@code 0}: no limit)
 * @param maxConnectionsPerIp open connections from one address on this node ({@code 0}: no limit)
 * @param connectionRatePerIp new connections per second from one address ({@code 0}: no limit)
 * @param commandsPerSecond commands per second per connection ({@code 0}: no limit)
 * @param commandBurst commands one connection may send at once
 * @param apiRequestsPerSecond server API calls per second per key
 * @param apiBurst server API calls one key may make at once
 */
public record LimitSettings(int maxConnectionsPerUser, int maxConnectionsPerIp, double connectionRatePerIp,
                            double commandsPerSecond, int commandBurst, double apiRequestsPerSecond, int apiBurst) {
}
