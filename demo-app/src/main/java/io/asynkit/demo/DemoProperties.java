package io.asynkit.demo;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.List;

/**
 * The demo's knobs ({@code demo.*}).
 *
 * @param downstreamDelays how long each downstream call of {@code /api/aggregate} takes
 * @param reportWork       the CPU time one {@code /api/report} burns, in slices of {@code reportSlice}
 * @param reportSlice      how much it computes between two yields
 * @param quoteWork        the CPU time one {@code /api/quote} burns
 * @param housekeepingRate how often the housekeeping job runs
 */
@ConfigurationProperties("demo")
public record DemoProperties(
        List<Duration> downstreamDelays,
        Duration reportWork,
        Duration reportSlice,
        Duration quoteWork,
        Duration housekeepingRate) {

    public DemoProperties {
        downstreamDelays = downstreamDelays != null ? List.copyOf(downstreamDelays)
                : List.of(Duration.ofMillis(40), Duration.ofMillis(60), Duration.ofMillis(100));
        reportWork = reportWork != null ? reportWork : Duration.ofMillis(20);
        reportSlice = reportSlice != null ? reportSlice : Duration.ofMillis(1);
        quoteWork = quoteWork != null ? quoteWork : Duration.ofNanos(50_000);
        housekeepingRate = housekeepingRate != null ? housekeepingRate : Duration.ofSeconds(2);
    }
}
