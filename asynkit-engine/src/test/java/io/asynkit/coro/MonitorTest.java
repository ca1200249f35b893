package io.asynkit.coro;

import io.asynkit.loop.Loop;
import io.asynkit.loop.Scheduling;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class MonitorTest {

    private static List<Object> drain(BoundMonitor<String> b) throws Exception {
        List<Object> out = new ArrayList<>();
        while (true) {
            try {
                out.add(b.await());
                return out;
            } catch (OOBData oob) {
                out.add(oob.data());
            }
        }
    }

    @Test
    void theReadmeExampleFromATaskAndFromAPlatformThread() throws Exception {
        for (boolean inTask : new boolean[] {true, false}) {
            Monitor<String> m = new Monitor<>();
            BoundMonitor<String> b = m.bind(() -> {
                m.oob("hello");
                Scheduling.yieldNow();
                m.oob("dolly");
                return "done";
            });
            List<Object> out = inTask ? Loop.run(() -> drain(b)) : drain(b);
            assertThat(out).containsExactly("hello", "dolly", "done");
            assertThat(b.state()).isEqualTo(CoroutineState.FINISHED);
        }
    }

    @Test
    void dataSentInIsWhatOobReturnsAndExceptionsAreRaisedFromOob() throws Exception {
        Monitor<String> m = new Monitor<>();
        BoundMonitor<String> b = m.bind(() -> {
            Object answer = m.oob("question");
            try {
                m.oob("again");
                return "unreachable";
            } catch (IOException e) {
                return answer + "/" + e.getMessage();
            }
        });
        assertThat(b.start()).isEqualTo("question");
        assertThat(b.state()).isEqualTo(CoroutineState.SUSPENDED);
        assertThatThrownBy(() -> b.await(42)).isInstanceOf(OOBData.class);
        assertThat(b.throwInto(new IOException("no more"))).isEqualTo("42/no more");
    }

    @Test
    void theParserExampleRunsWithoutAnyLoop() throws Exception {
        // a stateful line parser asks for data with oob(); the manager feeds it: no loop, no thread hand-off
        Deque<String> io = new ArrayDeque<>(List.of("hel", "lo wor", "ld\nrest"));
        StringBuilder buffer = new StringBuilder();
        Monitor<Void> m = new Monitor<>();
        BoundMonitor<String> readline = m.bind(() -> {
            while (buffer.indexOf("\n") < 0) {
                m.oob(null); // ask for more data
            }
            int end = buffer.indexOf("\n");
            String line = buffer.substring(0, end);
            buffer.delete(0, end + 1);
            return line;
        });
        readline.start();
        String line;
        while ((line = readline.tryAwait(null, null)) == null) {
            buffer.append(io.pop());
        }
        assertThat(line).isEqualTo("hello world");
        assertThat(buffer.toString()).isEqualTo("rest");
    }

    @Test
    void misuseGetsClearErrors() throws Exception {
        Monitor<String> m = new Monitor<>();
        assertThatThrownBy(() -> m.oob("x")).isInstanceOf(IllegalStateException.class).hasMessageContaining("Monitor not active");
        BoundMonitor<String> returnsAtOnce = m.bind(() -> "no oob");
        assertThatThrownBy(returnsAtOnce::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("did not await Monitor.oob()");
        BoundMonitor<String> fresh = m.bind(() -> "x");
        assertThatThrownBy(() -> fresh.await("data")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has not started");
        BoundMonitor<String> outer = m.bind(() -> m.bind(() -> "inner").await());
        assertThatThrownBy(outer::await).isInstanceOf(IllegalStateException.class).hasMessageContaining("re-entered");
        BoundMonitor<String> raisesOob = m.bind(() -> {
            throw new OOBData("sneaky");
        });
        assertThatThrownBy(raisesOob::await).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("raised OOBData");
    }

    @Test
    void closeRaisesCoroutineExitAndRunsCleanup() throws Exception {
        Monitor<String> m = new Monitor<>();
        List<String> log = new ArrayList<>();
        BoundMonitor<String> b = m.bind(() -> {
            try {
                m.oob("waiting");
                return "never";
            } finally {
                log.add("cleanup");
            }
        });
        b.start();
        b.close();
        assertThat(log).containsExactly("cleanup");
        assertThat(b.state()).isEqualTo(CoroutineState.FINISHED);

        BoundMonitor<String> stubborn = m.bind(() -> {
            while (true) {
                try {
                    m.oob("again");
                } catch (CoroutineExit ignored) {
                    // refuses to stop
                }
            }
        });
        stubborn.start();
        assertThatThrownBy(stubborn::close).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ignored CoroutineExit");
    }
}
