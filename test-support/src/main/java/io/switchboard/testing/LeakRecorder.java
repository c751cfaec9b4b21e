package io.switchboard.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs a Netty leak detector that remembers every leak it reports, so a test run can fail
 * on a leak instead of only logging it. Installed before the first buffer class is loaded.
 */
public final class LeakRecorder {
    private static final Logger log = LoggerFactory.getLogger(LeakRecorder.class);
    private static final List<String> leaks = new ArrayList<>();
    private static volatile boolean installed;

    private LeakRecorder() {
    }

    /** Installs the recording detector factory once; later calls do nothing. */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            @SuppressWarnings("deprecation")
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(
                    Class<T> resource, int samplingInterval, long maxActive) {
                return new RecordingDetector<>(resource, samplingInterval);
            }
        });
        installed = true;
    }

    /**
     * Collects garbage and allocates tracked buffers a few times so that pending leak reports are
     * made, then returns (and forgets) every leak reported since the last call.
     */
    public static List<String> drain() {
        for (int round = 0; round < 4; round++) {
            collectAndProbe();
        }
        return take();
    }

    /**
     * Like {@link #drain()}, but goes on collecting until a leak is reported or {@code within}
     * has passed: the garbage collector hands over unreachable buffers when it gets to them,
     * later on a busy machine. For tests that expect a leak.
     */
    public static List<String> awaitLeaks(java.time.Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        do {
            collectAndProbe();
            synchronized (leaks) {
                if (!leaks.isEmpty()) {
                    break;
                }
            }
        } while (System.nanoTime() < deadline);
        return take();
    }

    private static void collectAndProbe() {
        System.gc();
        ByteBuf probe = PooledByteBufAllocator.DEFAULT.directBuffer(8);
        probe.release();
        ByteBuf heapProbe = UnpooledByteBufAllocator.DEFAULT.heapBuffer(8);
        heapProbe.release();
    }

    private static List<String> take() {
        synchronized (leaks) {
            List<String> copy = new ArrayList<>(leaks);
            leaks.clear();
            return copy;
        }
    }

    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        RecordingDetector(Class<T> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        @Override
        protected boolean needReport() {
            return true;
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            record("LEAK: " + resourceType + " was released by the garbage collector without release()" + records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            record("LEAK: " + resourceType + " was released by the garbage collector without release()");
        }

        private static void record(String report) {
            log.error(report);
            synchronized (leaks) {
                leaks.add(report);
            }
        }
    }
}
