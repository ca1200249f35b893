package io.asynkit.loop;

import org.junit.jupiter.api.Test;
import java.util.*;
import java.util.concurrent.*;
import static org.assertj.core.api.Assertions.*;

class SmokeTest {
    @Test
    void runs() throws Exception {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        String r = Loop.run(() -> {
            Task<String> w = Loop.current().submit(() -> { log.add("child"); Thread.sleep(10); return "world"; });
            log.add("main");
            return "hello " + w.get();
        });
        assertThat(r).isEqualTo("hello world");
        assertThat(log).containsExactly("main", "child");
    }
}
