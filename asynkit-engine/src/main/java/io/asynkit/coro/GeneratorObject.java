package io.asynkit.coro;

import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * Builds generators out of ordinary code: anything that can reach this object can {@link #ayield} a
 * value to whoever iterates, from any depth of calls and from other tasks. The Python library's
 * {@code GeneratorObject}.
 *
 * <pre>{@code
 * GeneratorObject<Integer> gen = new GeneratorObject<>();
 * Generator<Integer> numbers = gen.generate(() -> {
 *     gen.ayield(1);                                           // directly
 *     Loop.current().submit(() -> gen.ayield(2)).get();        // or from a helper task
 *     return null;
 * });
 * for (int n : numbers) { ... }                                // 1, 2
 * }</pre>
 *
 * <p>All generators made by one {@code GeneratorObject} share its monitor, so they cannot run at
 * the same time; make one object per concurrent generator.
 *
 * @param <Y> the type of the yielded values
 */
public final class GeneratorObject<Y> {

    private final Monitor<Y> monitor = new Monitor<>();

    /**
     * Yields {@code value} to the consumer and suspends until the consumer asks for the next value.
     *
     * @return the value the consumer sent with {@link Generator#send}, or null for {@link Generator#next}
     * @throws IllegalStateException if no generator of this object is being iterated right now
     * @throws Exception             the exception the consumer raised with {@link Generator#throwInto},
     *                               or {@link CoroutineExit} when the consumer closes the generator
     */
    public Object ayield(Y value) throws Exception {
        return monitor.oob(value);
    }

    /** A generator that runs {@code body}; nothing runs until it is iterated. */
    public Generator<Y> generate(Callable<?> body) {
        return new Generator<>(monitor.bind(Objects.requireNonNull(body, "body")));
    }
}
