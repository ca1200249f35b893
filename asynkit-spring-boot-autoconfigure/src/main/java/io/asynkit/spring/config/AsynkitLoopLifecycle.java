package io.asynkit.spring.config;

import io.asynkit.loop.Loop;
import org.springframework.context.SmartLifecycle;

/**
 * Shuts the application's loop down in step with the application context: late, after the web server
 * has stopped taking and finished its requests (which run on the loop), so no request is refused.
 * Stopping the loop rejects new tasks, gives running tasks {@code asynkit.shutdown.await-termination-period},
 * cancels what remains, waits {@code asynkit.shutdown.cancel-timeout} for it to unwind, and ends the
 * loop's threads ({@link Loop#close()}).
 */
public class AsynkitLoopLifecycle implements SmartLifecycle {

    /**
     * After the web server's graceful shutdown ({@code DEFAULT_PHASE - 1024}) and its stop
     * ({@code DEFAULT_PHASE - 2048}): lifecycles stop in decreasing phase order.
     */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private final Loop loop;
    private volatile boolean running;

    public AsynkitLoopLifecycle(Loop loop) {
        this.loop = loop;
    }

    @Override
    public void start() {
        running = true; // the loop runs from the moment it is built
    }

    @Override
    public void stop() {
        running = false;
        loop.close();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
