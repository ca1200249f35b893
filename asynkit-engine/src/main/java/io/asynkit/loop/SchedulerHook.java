package io.asynkit.loop;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one place that touches JDK internals: the package-private constructor
 * {@code java.lang.ThreadBuilders$VirtualThreadBuilder(Executor)}, which creates virtual threads
 * whose scheduler is an executor of ours.
 *
 * <p>Probed once per JVM. The probe resolves the constructor and then runs one virtual thread on a
 * test executor, so "available" means the hook works here, not merely that it exists. When it does
 * not work, {@link #problem()} says why and names the flag that fixes it; nothing outside this class
 * ever sees an {@code InaccessibleObjectException}.
 */
final class SchedulerHook {

    /** The JVM option that makes the hook accessible. */
    static final String FLAG = "--add-opens java.base/java.lang=ALL-UNNAMED";

    private static final String BUILDER_CLASS = "java.lang.ThreadBuilders$VirtualThreadBuilder";

    private static final SchedulerHook INSTANCE = probe();

    private final MethodHandle constructor; // (Executor) -> Thread.Builder.OfVirtual, null when unavailable
    private final String problem;           // null when available
    private volatile Field continuationThreadField; // VirtualThread captured by its continuation Runnable
    private final MethodHandle captureBindings; // ScopedValue.scopedValueBindings(): the current snapshot
    private final MethodHandle installBindings; // Thread.setScopedValueBindings(Object): for the current thread
    private final VarHandle schedulerField;     // VirtualThread.scheduler: tells which task a thread is
    private final Executor defaultScheduler;    // VirtualThread.DEFAULT_SCHEDULER: where the JDK's own threads run
    private final VarHandle stateField;         // VirtualThread.state: tells a real hand-over from a repeated one

    private SchedulerHook(MethodHandle constructor, String problem) {
        this.constructor = constructor;
        this.problem = problem;
        MethodHandle capture = null;
        MethodHandle install = null;
        VarHandle scheduler = null;
        Executor jdkDefault = null;
        VarHandle state = null;
        if (problem == null) {
            MethodHandles.Lookup inVirtualThread = null;
            try {
                inVirtualThread = MethodHandles.privateLookupIn(Class.forName("java.lang.VirtualThread"),
                        MethodHandles.lookup());
            } catch (ReflectiveOperationException | RuntimeException e) {
                inVirtualThread = null; // none of the three handles below, each with its fallback
            }
            if (inVirtualThread != null) {
                Class<?> virtualThread = inVirtualThread.lookupClass();
                try {
                    state = inVirtualThread.findVarHandle(virtualThread, "state", int.class);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    state = null; // every hand-over is then taken for a real one
                }
                try {
                    scheduler = inVirtualThread.findVarHandle(virtualThread, "scheduler", Executor.class);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    scheduler = null; // Task.current() then relies on a ScopedValue binding
                }
                try {
                    jdkDefault = (Executor) inVirtualThread
                            .findStaticVarHandle(virtualThread, "DEFAULT_SCHEDULER", ForkJoinPool.class).get();
                } catch (ReflectiveOperationException | RuntimeException e) {
                    jdkDefault = null; // threads the JDK starts inside a task are then adopted like any other
                }
            }
            try {
                capture = MethodHandles.privateLookupIn(ScopedValue.class, MethodHandles.lookup())
                        .findStatic(ScopedValue.class, "scopedValueBindings",
                                MethodType.methodType(Class.forName("java.lang.ScopedValue$Snapshot")))
                        .asType(MethodType.methodType(Object.class));
                install = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup())
                        .findStatic(Thread.class, "setScopedValueBindings", MethodType.methodType(void.class, Object.class));
            } catch (ReflectiveOperationException | RuntimeException e) {
                capture = null; // scoped values then simply are not inherited
                install = null;
            }
        }
        this.captureBindings = capture;
        this.installBindings = install;
        this.schedulerField = scheduler;
        this.defaultScheduler = jdkDefault;
        this.stateField = state;
    }

    // VirtualThread's states in which a continuation handed to the scheduler has something to run (JDK 25).
    private static final int STARTED = 1;
    private static final int UNPARKED = 9;
    private static final int YIELDED = 11;
    private static final int UNBLOCKED = 14;
    private static final int SUSPENDED = 1 << 8;

    /**
     * True unless the JDK says that {@code thread} has nothing to run: it is mounted, parked or ended. The JDK
     * hands a continuation over again after taking the stack trace of an unmounted runnable thread, since it
     * may have been dispatched, as a no-op, while suspended; that repeat can arrive after the thread ran on,
     * and the JDK's own scheduler simply runs it for nothing. Our queues must not take it for a wake-up. (A
     * thread suspended for a stack trace counts by the state it keeps.) True when the state cannot be read.
     */
    boolean hasSomethingToRun(Thread thread) {
        if (stateField == null || thread == null) {
            return true;
        }
        int s = (int) stateField.getVolatile(thread) & ~SUSPENDED;
        return s == STARTED || s == UNPARKED || s == YIELDED || s == UNBLOCKED;
    }

    /** The JDK's default virtual-thread scheduler, or null if this JDK does not let us reach it. */
    Executor defaultScheduler() {
        return defaultScheduler;
    }

    /**
     * A handle on {@code VirtualThread.scheduler} (the Executor of a virtual thread created by a builder), or
     * null where it cannot be read: then the task of a thread cannot be found from the thread.
     */
    VarHandle schedulerHandle() {
        return schedulerField;
    }

    /** The calling thread's ScopedValue bindings (an opaque JDK snapshot), or null if unsupported. */
    Object captureScopedValueBindings() {
        if (CAPTURE == null) {
            return null;
        }
        try {
            return (Object) CAPTURE.invokeExact();
        } catch (Throwable t) {
            return null;
        }
    }

    /** Makes {@code bindings} (from {@link #captureScopedValueBindings()}) the calling thread's bindings. */
    void installScopedValueBindings(Object bindings) {
        if (INSTALL == null || bindings == null) {
            return;
        }
        try {
            INSTALL.invokeExact(bindings);
        } catch (Throwable t) {
            throw new IllegalStateException("could not install inherited ScopedValue bindings", t);
        }
    }

    static SchedulerHook get() {
        return INSTANCE;
    }

    boolean isAvailable() {
        return problem == null;
    }

    /** Why the hook cannot be used, with the fix; {@code null} when it can. */
    String problem() {
        return problem;
    }

    /**
     * The probed constructor in a static final field, so that the JIT treats it as a constant on the
     * task-creation path (an instance field's method handle is invoked generically, and costs).
     */
    private static final MethodHandle BUILDER = INSTANCE.constructor;
    /** The ScopedValue snapshot handles, constant for the JIT in the same way: captured at every task creation. */
    private static final MethodHandle CAPTURE = INSTANCE.captureBindings;
    private static final MethodHandle INSTALL = INSTANCE.installBindings;

    /** A builder of virtual threads that hand every start and resume to {@code scheduler}. */
    Thread.Builder.OfVirtual builder(Executor scheduler) {
        if (BUILDER == null) {
            throw new IllegalStateException(problem);
        }
        try {
            return (Thread.Builder.OfVirtual) BUILDER.invokeExact(scheduler);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("JDK virtual-thread builder failed", t);
        }
    }

    /**
     * The virtual thread that a continuation {@code Runnable} (as handed to a scheduler) belongs to,
     * or {@code null} if this JDK builds that Runnable in a way we do not recognise. Used only to
     * name and track virtual threads that libraries start from inside a task (they inherit the task's
     * scheduler), never on the hot path of the loop's own tasks.
     */
    Thread threadOf(Runnable continuation) {
        try {
            Field field = continuationThreadField;
            if (field == null || field.getDeclaringClass() != continuation.getClass()) {
                field = null;
                for (Field candidate : continuation.getClass().getDeclaredFields()) {
                    if (Thread.class.isAssignableFrom(candidate.getType())) {
                        candidate.setAccessible(true);
                        field = candidate;
                        break;
                    }
                }
                if (field == null) {
                    return null;
                }
                continuationThreadField = field;
            }
            return (Thread) field.get(continuation);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static SchedulerHook probe() {
        MethodHandle constructor;
        try {
            Class<?> builderClass = Class.forName(BUILDER_CLASS);
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(builderClass, MethodHandles.lookup());
            constructor = lookup.findConstructor(builderClass, MethodType.methodType(void.class, Executor.class))
                    .asType(MethodType.methodType(Thread.Builder.OfVirtual.class, Executor.class));
        } catch (IllegalAccessException | RuntimeException e) {
            // InaccessibleObjectException and IllegalAccessException both mean "not opened".
            return new SchedulerHook(null, "the JDK's virtual-thread scheduler hook is not accessible: start the JVM with "
                    + FLAG + " (Maven Surefire: <argLine>; spring-boot:run: <jvmArguments>; an executable jar: the "
                    + "manifest entry 'Add-Opens: java.base/java.lang'; an IDE: the run configuration's VM options). "
                    + "Cause: " + e);
        } catch (ReflectiveOperationException | LinkageError e) {
            return new SchedulerHook(null, "this JDK (" + Runtime.version() + ") has no " + BUILDER_CLASS
                    + "(Executor) constructor; asynkit needs JDK 21 to 25. Cause: " + e);
        }
        String failure = selfTest(constructor);
        return new SchedulerHook(failure == null ? constructor : null, failure);
    }

    /** Runs one virtual thread on a scheduler of ours; returns null on success, else the problem. */
    private static String selfTest(MethodHandle constructor) {
        AtomicReference<Runnable> submitted = new AtomicReference<>();
        CountDownLatch ran = new CountDownLatch(1);
        try {
            Executor capture = submitted::set;
            Thread.Builder.OfVirtual builder = (Thread.Builder.OfVirtual) constructor.invokeExact(capture);
            Thread probe = builder.name("asynkit-hook-probe").unstarted(ran::countDown);
            probe.start();
            Runnable continuation = submitted.get();
            if (continuation == null) {
                return "the JDK did not hand the probe thread to its scheduler; asynkit cannot schedule on JDK "
                        + Runtime.version();
            }
            Thread carrier = Thread.ofPlatform().daemon().name("asynkit-hook-probe-carrier").start(continuation);
            if (!ran.await(10, TimeUnit.SECONDS)) {
                return "a virtual thread on a custom scheduler did not run within 10 s on JDK " + Runtime.version();
            }
            carrier.join(TimeUnit.SECONDS.toMillis(10));
            return null;
        } catch (Throwable t) {
            return "the JDK's virtual-thread scheduler hook failed its self-test on JDK " + Runtime.version() + ": " + t;
        }
    }
}
