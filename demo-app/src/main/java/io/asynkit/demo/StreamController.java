package io.asynkit.demo;

import io.asynkit.coro.Generator;
import io.asynkit.coro.GeneratorObject;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A generator-backed stream: the producer is ordinary code that calls {@code ayield} for each page it
 * reads (here: it sleeps as if waiting for a paged source), and the request's task writes and flushes
 * each line as soon as it is produced. The producer runs only when the consumer asks for the next
 * line, and it runs depth-first on the request's behalf: no thread is handed the work.
 */
@RestController
class StreamController {

    @GetMapping("/api/stream")
    void stream(@RequestParam(defaultValue = "10") int lines, @RequestParam(defaultValue = "50") long delayMs,
                HttpServletResponse response) throws IOException {
        int count = Math.clamp(lines, 1, 1000);
        Duration delay = Duration.ofMillis(Math.clamp(delayMs, 0, 5000));
        response.setContentType(MediaType.APPLICATION_NDJSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        GeneratorObject<String> pages = new GeneratorObject<>();
        try (Generator<String> generator = pages.generate(() -> {
            for (int i = 1; i <= count; i++) {
                Thread.sleep(delay); // the next page of a slow source
                pages.ayield("{\"line\":" + i + ",\"of\":" + count + ",\"task\":\"" + Where.here().task() + "\"}");
            }
            return null;
        })) {
            OutputStream out = response.getOutputStream();
            for (String line : generator) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                response.flushBuffer(); // each line leaves now, not when a buffer fills
            }
        }
    }
}
