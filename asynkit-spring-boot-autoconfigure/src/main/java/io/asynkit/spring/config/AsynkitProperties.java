package io.asynkit.spring.config;

import io.asynkit.loop.MissingHookPolicy;
import io.asynkit.loop.SchedulingPolicy;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

import java.time.Duration;

/**
 * Configuration of the asynkit loop under a Spring Boot application ({@code asynkit.*}).
 *
 * <pre>
 * asynkit.carriers=4
 * asynkit.boosting.after=20
 * asynkit.shutdown.await-termination-period=10s
 * </pre>
 *
 * Invalid values fail start-up with Boot's failure analysis, naming the property and the reason.
 */
@ConfigurationProperties("asynkit")
public class AsynkitProperties implements Validator {

    /**
     * Whether to run the application on an asynkit loop. When false, Spring Boot's own executor,
     * scheduler and web-server threads are used, exactly as without asynkit.
     */
    private boolean enabled = true;

    /** Name of the shared loop, used for its threads and in metrics and the Actuator endpoint. */
    private String name = "asynkit";

    /** Carrier threads of the shared loop. Defaults to the number of available processors. */
    private Integer carriers;

    /**
     * Linux nice value of the carrier threads, 0 (unchanged) to 19. With 10, the web server's poller and
     * the JVM's own threads preempt a busy carrier as soon as they wake, which keeps quick requests quick
     * on a saturated machine; other processes of the host at a lower value win over the loop too.
     * Needs '--enable-native-access=ALL-UNNAMED' to avoid the JDK's warning.
     */
    private int carrierNice;

    /** How the ready queue is ordered: by task priority (FIFO among equals), or FIFO only. */
    private SchedulingPolicy policy = SchedulingPolicy.PRIORITY;

    /**
     * What to do when the JVM lacks '--add-opens java.base/java.lang=ALL-UNNAMED': run degraded on the
     * JDK's default scheduler (with a warning that says where to add the flag), or fail start-up.
     */
    private MissingHookPolicy missingHook = MissingHookPolicy.DEGRADE;

    private final Boosting boosting = new Boosting();

    private final LatencyGuard latencyGuard = new LatencyGuard();

    private final Shutdown shutdown = new Shutdown();

    private final Web web = new Web();

    private final Eager eager = new Eager();

    private final Actuator actuator = new Actuator();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Integer getCarriers() {
        return carriers;
    }

    public void setCarriers(Integer carriers) {
        this.carriers = carriers;
    }

    /** The carriers to build the loop with: the configured number, or one per available processor. */
    public int resolvedCarriers() {
        return carriers != null ? carriers : Runtime.getRuntime().availableProcessors();
    }

    public int getCarrierNice() {
        return carrierNice;
    }

    public void setCarrierNice(int carrierNice) {
        this.carrierNice = carrierNice;
    }

    public SchedulingPolicy getPolicy() {
        return policy;
    }

    public void setPolicy(SchedulingPolicy policy) {
        this.policy = policy;
    }

    public MissingHookPolicy getMissingHook() {
        return missingHook;
    }

    public void setMissingHook(MissingHookPolicy missingHook) {
        this.missingHook = missingHook;
    }

    public Boosting getBoosting() {
        return boosting;
    }

    public LatencyGuard getLatencyGuard() {
        return latencyGuard;
    }

    public Shutdown getShutdown() {
        return shutdown;
    }

    public Web getWeb() {
        return web;
    }

    public Eager getEager() {
        return eager;
    }

    public Actuator getActuator() {
        return actuator;
    }

    /** Anti-starvation boosting of the priority policy. */
    public static class Boosting {

        /** Whether a runnable task that is overtaken too often is boosted (run once ahead of turn). */
        private boolean enabled = true;

        /**
         * How many dispatches of better-priority work may overtake the oldest task of a priority before it
         * is boosted: every priority with runnable tasks gets at least one dispatch in every after + 1.
         */
        private int after = 100; // Loop.DEFAULT_BOOST_AFTER, as a literal so that the metadata shows it

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public int getAfter() {
            return after;
        }

        public void setAfter(int after) {
            this.after = after;
        }
    }

    /**
     * The latency guard: a bound on how long a runnable task waits while every carrier runs work of a strictly
     * worse priority band, after which the loop lends an extra carrier for the better band. Off unless a bound
     * is set.
     */
    public static class LatencyGuard {

        /**
         * How long a task may wait behind worse-band work on every carrier before a carrier is lent, at least
         * 250us; for example 1ms. Unset: no guard.
         */
        private Duration bound;

        /** The most extra carriers on loan at once. */
        private int maxExtraCarriers = 1;

        /**
         * Whether a one-carrier loop gets loans too, and so runs a second task beside the first while a loan
         * is out.
         */
        private boolean evenOnOneCarrier;

        public Duration getBound() {
            return bound;
        }

        public void setBound(Duration bound) {
            this.bound = bound;
        }

        public int getMaxExtraCarriers() {
            return maxExtraCarriers;
        }

        public void setMaxExtraCarriers(int maxExtraCarriers) {
            this.maxExtraCarriers = maxExtraCarriers;
        }

        public boolean isEvenOnOneCarrier() {
            return evenOnOneCarrier;
        }

        public void setEvenOnOneCarrier(boolean evenOnOneCarrier) {
            this.evenOnOneCarrier = evenOnOneCarrier;
        }

        /** The engine's guard these properties describe, or null when no bound is set. */
        public io.asynkit.loop.LatencyGuard toGuard() {
            if (bound == null) {
                return null;
            }
            io.asynkit.loop.LatencyGuard guard = io.asynkit.loop.LatencyGuard.after(bound).maxExtraCarriers(maxExtraCarriers);
            return evenOnOneCarrier ? guard.evenOnOneCarrier() : guard;
        }
    }

    /** Graceful shutdown, in step with the application context. */
    public static class Shutdown {

        /** The await-termination period when nothing sets one. */
        public static final Duration DEFAULT_AWAIT_TERMINATION_PERIOD = Duration.ofSeconds(30);

        /**
         * How long tasks still running at shutdown may take to finish before they are cancelled. When unset,
         * the longer of spring.task.execution.shutdown.await-termination-period and
         * spring.task.scheduling.shutdown.await-termination-period whose await-termination is true applies.
         */
        private Duration awaitTerminationPeriod;

        /** How long cancelled tasks may take to unwind before the loop gives up on them. */
        private Duration cancelTimeout = Duration.ofSeconds(5);

        public Duration getAwaitTerminationPeriod() {
            return awaitTerminationPeriod;
        }

        public void setAwaitTerminationPeriod(Duration awaitTerminationPeriod) {
            this.awaitTerminationPeriod = awaitTerminationPeriod;
        }

        public Duration getCancelTimeout() {
            return cancelTimeout;
        }

        public void setCancelTimeout(Duration cancelTimeout) {
            this.cancelTimeout = cancelTimeout;
        }
    }

    /** Web requests. */
    public static class Web {

        /**
         * Whether the embedded web server (Tomcat, Jetty) runs every request as an asynkit task, so that
         * @Priority on controllers takes effect.
         */
        private boolean enabled = true;

        /**
         * Prefix of the names of request tasks: 'http-request' until Spring MVC has chosen the handler, then
         * the method and the route pattern, such as 'GET /api/quote/{id}'.
         */
        private String taskNamePrefix = "";

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getTaskNamePrefix() {
            return taskNamePrefix;
        }

        public void setTaskNamePrefix(String taskNamePrefix) {
            this.taskNamePrefix = taskNamePrefix;
        }
    }

    /** {@code @Eager} methods. */
    public static class Eager {

        /**
         * Order of the post-processor that applies @Eager, as @EnableAsync(order): the lowest precedence
         * (the default) adds the advice to existing proxies, e.g. of @Transactional, instead of proxying
         * twice.
         */
        private int order = Integer.MAX_VALUE; // Ordered.LOWEST_PRECEDENCE, as a literal for the metadata

        public int getOrder() {
            return order;
        }

        public void setOrder(int order) {
            this.order = order;
        }
    }

    /** The {@code asynkit} Actuator endpoint. */
    public static class Actuator {

        /** Whether task lists include each task's stack trace. Off by default: stacks reveal code paths. */
        private boolean includeStacks;

        /** Most tasks listed per state; the counts always cover every task. */
        private int maxTasks = 200;

        public boolean isIncludeStacks() {
            return includeStacks;
        }

        public void setIncludeStacks(boolean includeStacks) {
            this.includeStacks = includeStacks;
        }

        public int getMaxTasks() {
            return maxTasks;
        }

        public void setMaxTasks(int maxTasks) {
            this.maxTasks = maxTasks;
        }
    }

    /**
     * Checks the bound values; Boot reports each rejected value with its property, value, origin and
     * reason, and the application does not start.
     */
    @Override
    public void validate(Object target, Errors errors) {
        AsynkitProperties p = (AsynkitProperties) target;
        if (p.name == null || p.name.isBlank()) {
            errors.rejectValue("name", "blank", "must not be blank: it names the loop and its threads");
        }
        if (p.carriers != null && (p.carriers < 1 || p.carriers > 32_767)) {
            errors.rejectValue("carriers", "range", "must be between 1 and 32767 carrier threads; leave it unset "
                    + "for one per available processor");
        }
        if (p.carrierNice < 0 || p.carrierNice > 19) {
            errors.rejectValue("carrier-nice", "range", "must be between 0 (leave the carriers' nice value as it is) "
                    + "and 19 (lowest CPU priority); negative values would need privileges");
        }
        if (p.boosting.after < 1) {
            errors.rejectValue("boosting.after", "range", "must be at least 1 (dispatches of better work that may "
                    + "overtake a task before it is boosted); set asynkit.boosting.enabled=false to turn boosting off");
        }
        validateLatencyGuard(p, errors);
        if (p.shutdown.awaitTerminationPeriod != null) {
            rejectNegative(errors, "shutdown.await-termination-period", p.shutdown.awaitTerminationPeriod);
        }
        rejectNegative(errors, "shutdown.cancel-timeout", p.shutdown.cancelTimeout);
        if (p.web.taskNamePrefix == null) {
            errors.rejectValue("web.task-name-prefix", "null", "must not be null; leave it unset for no prefix");
        }
        if (p.actuator.maxTasks < 0) {
            errors.rejectValue("actuator.max-tasks", "range", "must be zero or more");
        }
    }

    @Override
    public boolean supports(Class<?> type) {
        return AsynkitProperties.class.isAssignableFrom(type);
    }

    private static void validateLatencyGuard(AsynkitProperties p, Errors errors) {
        LatencyGuard guard = p.latencyGuard;
        if (guard.maxExtraCarriers < 1 || guard.maxExtraCarriers > 1024) {
            errors.rejectValue("latency-guard.max-extra-carriers", "range", "must be between 1 and 1024; leave "
                    + "asynkit.latency-guard.bound unset for no guard");
        }
        if (guard.bound == null) {
            return;
        }
        if (guard.bound.compareTo(io.asynkit.loop.LatencyGuard.MIN_BOUND) < 0) {
            errors.rejectValue("latency-guard.bound", "range", "must be at least 250us: the loop's watchdog looks "
                    + "four times per bound and would keep a core busy");
        } else if (p.policy != SchedulingPolicy.PRIORITY) {
            errors.rejectValue("latency-guard.bound", "policy", "needs asynkit.policy=priority: a FIFO loop has no "
                    + "priority bands");
        } else if (p.resolvedCarriers() == 1 && !guard.evenOnOneCarrier) {
            errors.rejectValue("latency-guard.bound", "one-carrier", "would run a second task beside the first on "
                    + "this one-carrier loop; set asynkit.carriers to 2 or more, or "
                    + "asynkit.latency-guard.even-on-one-carrier=true to accept that");
        }
    }

    private static void rejectNegative(Errors errors, String field, Duration duration) {
        if (duration == null || duration.isNegative()) {
            errors.rejectValue(field, "range", "must be zero or more");
        }
    }
}
