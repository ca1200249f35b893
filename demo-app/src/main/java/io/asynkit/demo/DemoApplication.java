package io.asynkit.demo;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The asynkit demo: a small web application that uses nothing but the starter.
 *
 * <ul>
 *   <li>{@code GET /api/quote}: latency-sensitive, {@code @Priority(HIGH)};</li>
 *   <li>{@code GET /api/report}: CPU-heavy, {@code @Priority(LOW)}, yields as it computes;</li>
 *   <li>{@code GET /api/aggregate}: fans out to slow downstream calls with {@code @Eager}, so it takes
 *       about as long as the slowest call rather than their sum;</li>
 *   <li>{@code GET /api/stream}: a generator-backed stream of lines;</li>
 *   <li>a {@code @Scheduled} housekeeping job at LOW;</li>
 *   <li>{@code /} a live view of the loop, and {@code /actuator/asynkit}.</li>
 * </ul>
 *
 * Run it with {@code ./run} (or {@code java -jar demo-app/target/demo-app.jar}: the jar's manifest
 * carries the JVM flag asynkit needs).
 */
@SpringBootApplication
@EnableScheduling
@ConfigurationPropertiesScan
public class DemoApplication {

    public static void main(String[] args) {
        SpringApplication.run(DemoApplication.class, args);
    }
}
