package io.switchboard.server.transport.grpc;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;

/**
 * The event loop a gRPC call belongs to. gRPC runs on the node's own loops and calls back on
 * the loop of the call's connection; that loop then owns the call's session, as it would a
 * WebSocket's.
 */
final class EventLoopFinder {
    private final EventLoopGroup group;

    EventLoopFinder(EventLoopGroup group) {
        this.group = group;
    }

    /** The loop running this thread, or else one of the group's. */
    EventLoop current() {
        for (EventExecutor executor : group) {
            if (executor.inEventLoop()) {
                return (EventLoop) executor;
            }
        }
        return group.next();
    }

    /** Runs {@code task} on {@code loop}: now when already there, else as a task of the loop. */
    void run(EventLoop loop, Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }
}
