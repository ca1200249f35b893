package io.asynkit.coro;

import io.asynkit.loop.Loop;
import io.asynkit.testing.Stress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class GeneratorTest {

    /** The Python README's generator: yields 1 itself and 2 from a helper task. */
    private static Generator<Integer> readmeGenerator() {
        GeneratorObject<Integer> gen = new GeneratorObject<>();
        return gen.generate(() -> {
            gen.ayield(1);
            io.asynkit.loop.Task.current().loop().submit(() -> gen.ayield(2)).get();
            return null;
        });
    }

    private static <T> List<T> collect(Iterable<T> values) {
        List<T> out = new ArrayList<>();
        values.forEach(out::add);
        return out;
    }

    @Test
    void ayieldWorksDirectlyAndFromAHelperTaskInATaskAndOnAPlatformThread() throws Exception {
        assertThat(Loop.run(() -> collect(readmeGenerator()))).containsExactly(1, 2);
        assertThat(collect(readmeGenerator())).containsExactly(1, 2);
    }

    private static Generator<Integer> counting(int n, List<String> log) {
        GeneratorObject<Integer> gen = new GeneratorObject<>();
        return gen.generate(() -> {
            try {
                for (int i = 0; i < n; i++) {
                    yieldDeep(gen, i, 3);
                }
                return null;
            } finally {
                log.add("generator finally");
            }
        });
    }

    private static void yieldDeep(GeneratorObject<Integer> gen, int value, int depth) throws Exception {
        if (depth == 0) {
            gen.ayield(value);
        } else {
            yieldDeep(gen, value, depth - 1);
        }
    }

    @Test
    void iteratesStreamsAndClosesFromAnyDepth() {
        List<String> log = new ArrayList<>();
        assertThat(collect(counting(5, log))).containsExactly(0, 1, 2, 3, 4);
        assertThat(log).containsExactly("generator finally");

        log.clear();
        try (Stream<Integer> s = counting(1000, log).stream()) {
            assertThat(s.limit(3).toList()).containsExactly(0, 1, 2);
        }
        assertThat(log).containsExactly("generator finally"); // closing the stream closed the generator
    }

    @Test
    void sendAndThrowIntoReachTheYieldPoint() {
        GeneratorObject<String> gen = new GeneratorObject<>();
        Generator<String> echo = gen.generate(() -> {
            Object received = gen.ayield("ready");
            while (true) {
                try {
                    received = gen.ayield("got " + received);
                } catch (IllegalArgumentException e) {
                    received = gen.ayield("caught " + e.getMessage());
                }
            }
        });
        assertThat(echo.state()).isEqualTo(CoroutineState.NEW);
        assertThat(echo.send(null)).isEqualTo("ready");
        assertThat(echo.state()).isEqualTo(CoroutineState.SUSPENDED);
        assertThat(echo.send("a")).isEqualTo("got a");
        assertThat(echo.throwInto(new IllegalArgumentException("bad"))).isEqualTo("caught bad");
        assertThat(echo.send("b")).isEqualTo("got b");
        echo.close();
        assertThat(echo.state()).isEqualTo(CoroutineState.FINISHED);
        assertThat(echo.hasNext()).isFalse();
    }

    @Test
    void errorStatesOfAnAsyncGenerator() {
        Generator<Integer> g = counting(1, new ArrayList<>());
        assertThat(g.next()).isZero();
        assertThat(g.hasNext()).isFalse();
        assertThatThrownBy(g::next).isInstanceOf(NoSuchElementException.class);
        assertThatThrownBy(() -> g.send(1)).isInstanceOf(NoSuchElementException.class);
        assertThat(g.throwInto(new RuntimeException())).isNull();
        g.close();

        GeneratorObject<Integer> gen = new GeneratorObject<>();
        Generator<Integer>[] self = new Generator[1];
        self[0] = gen.generate(() -> {
            self[0].next(); // from inside itself
            return null;
        });
        assertThatThrownBy(self[0]::next).isInstanceOf(IllegalStateException.class).hasMessageContaining("already running");

        GeneratorObject<Integer> stubbornObject = new GeneratorObject<>();
        Generator<Integer> stubborn = stubbornObject.generate(() -> {
            while (true) {
                try {
                    stubbornObject.ayield(1);
                } catch (CoroutineExit ignored) {
                    // refuses to close
                }
            }
        });
        stubborn.next();
        assertThatThrownBy(stubborn::close).isInstanceOf(IllegalStateException.class).hasMessageContaining("ignored");

        GeneratorObject<Integer> failingObject = new GeneratorObject<>();
        Generator<Integer> failing = failingObject.generate(() -> {
            failingObject.ayield(1);
            throw new java.io.IOException("broken");
        });
        assertThat(failing.next()).isEqualTo(1);
        assertThatThrownBy(failing::hasNext).hasCauseInstanceOf(java.io.IOException.class);
        assertThat(failing.hasNext()).isFalse();
    }

    @Test
    @DisabledIfSystemProperty(named = "asynkit.inlineCarrier", matches = "true",
            disabledReason = "inline carrying is documented as unsafe for threads that hold a monitor")
    void consumingInsideSynchronizedCodeIsSafe() throws Exception {
        // a thread that holds a monitor must never carry a virtual thread (JDK 25 hangs or crashes): the
        // generator then runs on its loop instead. Rounds for 2 s (at least 50), so that the JIT gets involved.
        Object lock = new Object();
        Stress.repeatFor(Duration.ofSeconds(2), 50, round -> {
            synchronized (lock) {
                assertThat(collect(counting(3, new ArrayList<>()))).containsExactly(0, 1, 2);
            }
        });
        assertThat(Loop.run(() -> {
            synchronized (lock) {
                return collect(counting(3, new ArrayList<>()));
            }
        })).containsExactly(0, 1, 2);
    }

    @Test
    void aValueWhoseToStringThrowsIsStillDelivered() {
        Object awkward = new Object() {
            @Override
            public String toString() {
                throw new UnsupportedOperationException("no toString");
            }
        };
        GeneratorObject<Object> gen = new GeneratorObject<>();
        assertThat(collect(gen.generate(() -> gen.ayield(awkward)))).containsExactly(awkward);
        assertThat(new OOBData(awkward).getMessage()).contains("toString() failed");
    }

    @Test
    void aGeneratorConsumedFromAPlatformThreadMayBlock() {
        GeneratorObject<Integer> gen = new GeneratorObject<>();
        Generator<Integer> slow = gen.generate(() -> {
            for (int i = 0; i < 3; i++) {
                Thread.sleep(5); // real blocking, carried inline by the consuming thread
                gen.ayield(i);
            }
            return null;
        });
        assertThat(collect(slow)).containsExactly(0, 1, 2);
    }

    @Test
    void synchronousIterationFailsIfTheGeneratorBlocks() {
        assertThat(collect(Coroutines.iterateSync(counting(3, new ArrayList<>())))).containsExactly(0, 1, 2);
        GeneratorObject<Integer> gen = new GeneratorObject<>();
        Generator<Integer> blocking = gen.generate(() -> {
            gen.ayield(1);
            new CompletableFuture<>().get();
            return null;
        });
        List<Integer> seen = new ArrayList<>();
        assertThatThrownBy(() -> Coroutines.iterateSync(blocking).forEach(seen::add))
                .isInstanceOf(SynchronousError.class);
        assertThat(seen).containsExactly(1);
    }

    @Test
    void publisherRespectsBackpressure() throws Exception {
        List<Integer> received = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        Flow.Subscription[] subscription = new Flow.Subscription[1];
        counting(10, new ArrayList<>()).publisher().subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription[0] = s;
                s.request(2);
            }

            @Override
            public void onNext(Integer item) {
                received.add(item);
            }

            @Override
            public void onError(Throwable throwable) {
                done.countDown();
            }

            @Override
            public void onComplete() {
                done.countDown();
            }
        });
        Thread.sleep(100);
        assertThat(received).containsExactly(0, 1); // no more than requested
        subscription[0].request(Long.MAX_VALUE);
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(received).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    }

    @Test
    void cancellingTheSubscriptionClosesTheGenerator() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        CountDownLatch closed = new CountDownLatch(1);
        Generator<Integer> g = counting(1000, log);
        g.publisher().subscribe(new Flow.Subscriber<>() {
            Flow.Subscription s;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                this.s = s;
                s.request(1);
            }

            @Override
            public void onNext(Integer item) {
                s.cancel();
                closed.countDown();
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onComplete() {
            }
        });
        assertThat(closed.await(10, TimeUnit.SECONDS)).isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (g.state() != CoroutineState.FINISHED && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(log).containsExactly("generator finally");
    }
}
