package io.asynkit.loop;

import java.security.CodeSource;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the frame of a task's stack that a user means by "where it is blocked": the first one outside the
 * JDK and outside asynkit's engine. A stack's top frames are always the JDK's park ({@code
 * VirtualThread.parkNanos}) and the engine's wait (a {@code PriorityLock}, {@code Scheduling.await}), so the
 * top frame alone says nothing.
 *
 * <p>Engine frames are recognised by the code source of their class, so that code of other modules in the
 * engine's packages (tests, the Spring starter) counts as the user's.
 */
final class BlockingPoint {

    private static final String ENGINE_PACKAGES = "io.asynkit.";
    private static final CodeSource ENGINE = Task.class.getProtectionDomain().getCodeSource();
    /** Class name → whether it is the engine's; only names under {@link #ENGINE_PACKAGES}. */
    private static final ConcurrentHashMap<String, Boolean> ENGINE_CLASSES = new ConcurrentHashMap<>();

    private BlockingPoint() {
    }

    static Optional<StackTraceElement> of(StackTraceElement[] stack) {
        for (StackTraceElement frame : stack) {
            if (!isJdk(frame) && !isEngine(frame.getClassName())) {
                return Optional.of(frame);
            }
        }
        return Optional.empty();
    }

    private static boolean isJdk(StackTraceElement frame) {
        String module = frame.getModuleName();
        return module != null ? module.startsWith("java.") || module.startsWith("jdk.")
                : frame.getClassName().startsWith("java.") || frame.getClassName().startsWith("jdk.");
    }

    private static boolean isEngine(String className) {
        if (!className.startsWith(ENGINE_PACKAGES)) {
            return false;
        }
        return ENGINE_CLASSES.computeIfAbsent(className, BlockingPoint::loadedFromEngine);
    }

    private static boolean loadedFromEngine(String className) {
        try {
            Class<?> c = Class.forName(className, false, Task.class.getClassLoader());
            return Objects.equals(c.getProtectionDomain().getCodeSource(), ENGINE);
        } catch (ClassNotFoundException | LinkageError | SecurityException unknown) {
            return className.startsWith("io.asynkit.loop.") || className.startsWith("io.asynkit.priority.")
                    || className.startsWith("io.asynkit.coro.") || className.startsWith("io.asynkit.internal.")
                    || className.startsWith("io.asynkit.interrupt.") || className.startsWith("io.asynkit.group.");
        }
    }
}
