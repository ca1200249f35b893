package io.asynkit.spring.config;

import io.asynkit.loop.Loop;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;

import java.util.Objects;

/**
 * Closes the application's loop when the application context closes, late: after the web server has
 * stopped taking and finished its requests (which run on the loop), so no request is refused, and before
 * any bean is destroyed, so that no task outlives the beans it uses. Closing the loop rejects new tasks,
 * gives running tasks {@code asynkit.shutdown.await-termination-period}, cancels what remains, waits
 * {@code asynkit.shutdown.cancel-timeout} for it to unwind, and ends the loop's threads
 * ({@link Loop#close()}).
 *
 * <p>{@code context.stop()} does not close the loop: a stopped context can be started again (checkpoint
 * and restore, management tools, tests). The application's executor and scheduler pause and resume
 * themselves ({@link LoopExecutionSupport}); the loop keeps running for everything else. Only the close
 * of its own context closes it, also after a stop.
 */
public class AsynkitLoopLifecycle implements SmartLifecycle, ApplicationContextAware,
        ApplicationListener<ContextClosedEvent> {

    /**
     * After the web server's graceful shutdown ({@code DEFAULT_PHASE - 1024}) and its stop
     * ({@code DEFAULT_PHASE - 2048}): lifecycles stop in decreasing phase order.
     */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private final Loop loop;
    private @Nullable ApplicationContext applicationContext;
    private volatile boolean running;
    private volatile boolean closing;

    public AsynkitLoopLifecycle(Loop loop) {
        this.loop = Objects.requireNonNull(loop, "loop");
    }

    @Override
    public void setApplicationContext(ApplicationContext applicationContext) {
        this.applicationContext = Objects.requireNonNull(applicationContext, "applicationContext");
    }

    /**
     * Published before the context stops its lifecycles on close. A lifecycle that a {@code stop()} left
     * stopped would be skipped by that close: it counts as running again, so that the loop is still closed
     * in this phase, before beans are destroyed.
     */
    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        if (Objects.requireNonNull(event, "event").getApplicationContext() == applicationContext) {
            closing = true;
            running = true;
        }
    }

    @Override
    public void start() {
        running = true; // the loop runs from the moment it is built, and a stop() left it running
    }

    /** Closes the loop when the context closes; a plain {@code context.stop()} leaves it running. */
    @Override
    public void stop() {
        running = false;
        if (closing) {
            loop.close();
        }
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
