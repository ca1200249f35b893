package io.asynkit.coro;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A channel between a coroutine and whoever awaits it: the coroutine sends <em>out-of-band</em> data
 * with {@link #oob} and is suspended until the awaiter resumes it with data (which {@code oob}
 * returns) or an exception (which {@code oob} throws).
 *
 * <pre>{@code
 * Monitor<String> m = new Monitor<>();
 * BoundMonitor<String> b = m.bind(() -> {
 *     m.oob("hello");
 *     m.oob("dolly");
 *     return "done";
 * });
 * while (true) {
 *     try {
 *         System.out.println(b.await());    // done
 *         break;
 *     } catch (OOBData oob) {
 *         System.out.println(oob.data());   // hello, dolly
 *     }
 * }
 * }</pre>
 *
 * <p>Driving needs no loop: from a platform thread the coroutine runs inline on that thread. One
 * coroutine at a time may be awaited through a monitor; awaiting a second one meanwhile is an error.
 *
 * @param <O> the type of the out-of-band data
 */
public final class Monitor<O> {

    // No lock: enter() claims the monitor by compare-and-set; outgoing is written by the coroutine's side
    // before it signals its drive and read by the awaiter after the drive's segment ended, and the drive
    // orders the two (see Drive's memory effects).
    private final AtomicReference<MonitorSession<?>> active = new AtomicReference<>();
    private O outgoing; // data of the pending oob()

    /** Binds {@code coroutine} to this monitor; nothing runs until the result is awaited. */
    public <T> BoundMonitor<T> bind(Callable<T> coroutine) {
        return new BoundMonitor<>(this, Objects.requireNonNull(coroutine, "coroutine"), Context.capture());
    }

    /**
     * Called by the monitored coroutine (at any depth of calls, or from a task it started): delivers
     * {@code data} to the awaiter as {@link OOBData} and suspends until the awaiter resumes.
     *
     * @return the data the awaiter resumes with
     * @throws IllegalStateException if no coroutine is being awaited through this monitor
     * @throws Exception             the exception the awaiter resumes with ({@link BoundMonitor#throwInto})
     */
    public Object oob(O data) throws Exception {
        MonitorSession<?> bound = active.get();
        if (bound == null) {
            throw new IllegalStateException("Monitor not active: oob() needs a coroutine being awaited through "
                    + "this monitor (was the coroutine awaited directly?)");
        }
        outgoing = data;
        return bound.suspend();
    }

    void enter(MonitorSession<?> bound) {
        if (!active.compareAndSet(null, bound)) {
            throw new IllegalStateException("Monitor cannot be re-entered: it is already awaiting another coroutine");
        }
    }

    O exit() {
        O data = outgoing;
        outgoing = null;
        active.set(null);
        return data;
    }
}
