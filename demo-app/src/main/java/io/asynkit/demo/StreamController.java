package io.asynkit.demo;

import io.asynkit.coro.Generator;
import io.asynkit.coro.GeneratorObject;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A generator-backed stream: the producer is ordinary code that calls {@code ayield} for each page it
 * reads (here: it sleeps as if waiting for a paged source), and the response writes each line as soon
 * as it is produced. The producer runs only when the consumer asks for the next line.
 */
@RestController
class StreamController {

    @GetMapping(value = "/api/stream", produces = MediaType.APPLICATION_NDJSON_VALUE)
    StreamingResponseBody stream(@RequestParam(defaultValue = "10") int lines,
                                 @RequestParam(defaultValue = "50") long delayMs) {
        int count = Math.clamp(lines, 1, 1000);
        Duration delay = Duration.ofMillis(Math.clamp(delayMs, 0, 5000));
        return out -> {
            GeneratorObject<String> pages = new GeneratorObject<>();
            try (Generator<String> generator = pages.generate(() -> {
                for (int i = 1; i <= count; i++) {
                    Thread.sleep(delay); // the next page of a slow source
                    pages.ayield("{\"line\":" + i + ",\"of\":" + count + ",\"task\":\"" + Where.here().task() + "\"}");
                }
                return null;
            })) {
                PrintWriter writer = new PrintWriter(out, false, StandardCharsets.UTF_8);
                for (String line : generator) {
                    writer.println(line);
                    writer.flush();
                }
            }
        };
    }
}
