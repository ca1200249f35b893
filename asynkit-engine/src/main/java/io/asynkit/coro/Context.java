package io.asynkit.coro;

import io.asynkit.loop.ScopedValueBindings;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The context a coroutine runs in: the {@link ScopedValue} bindings and the thread-bound values of
 * every registered {@link ContextPropagator}, captured from one thread. Eager calls and
 * {@link CoroStart} run in a copy of the caller's context: the callee sees what the caller had, and
 * nothing the callee sets reaches the caller. An explicit context can be given instead, as with the
 * Python library's {@code coro_await(context=)}.
 *
 * <pre>{@code
 * Context requestContext = Context.capture();          // on the request thread
 * ...
 * String user = Coroutines.callIn(requestContext, () -> USER.get());   // later, anywhere
 * }</pre>
 *
 * <p>Propagators are found with {@link ServiceLoader} ({@code META-INF/services/io.asynkit.coro.ContextPropagator})
 * and can be added with {@link #register}.
 */
public final class Context {

    private static final List<ContextPropagator<?>> PROPAGATORS = new CopyOnWriteArrayList<>();

    static {
        for (ContextPropagator<?> p : ServiceLoader.load(ContextPropagator.class)) {
            PROPAGATORS.add(p);
        }
    }

    private static final Context EMPTY = new Context(ScopedValueBindings.none(), List.of());

    private final ScopedValueBindings scopedValues;
    private final List<Captured<?>> captured;

    private Context(ScopedValueBindings scopedValues, List<Captured<?>> captured) {
        this.scopedValues = scopedValues;
        this.captured = captured;
    }

    /** The calling thread's context. */
    public static Context capture() {
        List<Captured<?>> values = new ArrayList<>(PROPAGATORS.size());
        for (ContextPropagator<?> p : PROPAGATORS) {
            values.add(Captured.of(p));
        }
        return new Context(ScopedValueBindings.capture(), List.copyOf(values));
    }

    /** No scoped values and no propagated values: a clean slate. */
    public static Context empty() {
        return EMPTY;
    }

    /** Adds a propagator for every context captured from now on. */
    public static void register(ContextPropagator<?> propagator) {
        PROPAGATORS.add(Objects.requireNonNull(propagator, "propagator"));
    }

    /** Removes a propagator added with {@link #register}. */
    public static boolean unregister(ContextPropagator<?> propagator) {
        return PROPAGATORS.remove(Objects.requireNonNull(propagator, "propagator"));
    }

    /** The {@link ScopedValue} bindings of this context, for a task that should run in it. */
    public ScopedValueBindings scopedValues() {
        return scopedValues;
    }

    /**
     * {@code body}, preceded by restoring this context's thread-bound values (those of the registered
     * {@link ContextPropagator}s) on the thread that runs it. Together with {@link #scopedValues()}, what a
     * task needs to run in this context:
     *
     * <pre>{@code
     * Context context = Context.capture();
     * loop.newTask().scopedValues(context.scopedValues()).start(context.wrap(body));
     * }</pre>
     */
    public <T> Callable<T> wrap(Callable<T> body) {
        Objects.requireNonNull(body, "body");
        if (captured.isEmpty()) {
            return body;
        }
        return () -> {
            for (Captured<?> c : captured) {
                c.restore();
            }
            return body.call();
        };
    }

    private record Captured<S>(ContextPropagator<S> propagator, S snapshot) {
        static <S> Captured<S> of(ContextPropagator<S> p) {
            return new Captured<>(p, p.capture());
        }

        void restore() {
            propagator.restore(snapshot);
        }
    }
}
