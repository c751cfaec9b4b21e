package io.switchboard.testing;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reported a buffer leak while it ran. Registered for every test
 * class through extension auto-detection.
 */
public final class FailOnLeakExtension implements AfterAllCallback {
    static {
        LeakRecorder.install();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        List<String> leaks = LeakRecorder.drain();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " Netty buffer leak(s) while "
                    + context.getDisplayName() + " ran:\n" + String.join("\n\n", leaks));
        }
    }
}
