package io.asynkit.loop;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.Executor;

/**
 * Virtual threads that the JDK starts for itself from inside a task: they belong to the JVM, not to the
 * task, and run on the JDK's default scheduler.
 *
 * <p>A virtual thread started inside a task inherits the task's scheduler (a JDK rule). Most such threads
 * are the task's own work (a library's {@code Thread.ofVirtual()}, an executor, a structured scope) and the
 * loop adopts them. But the JDK also starts threads lazily, once per JVM, from whatever thread first needs
 * them: the socket pollers start at the first blocking socket read of a virtual thread. Adopted, they would
 * live and die with the loop, and every later socket read in the JVM would hang once the loop closed.
 *
 * <p>The rule that tells them apart: walking down the starting thread's stack from the start, past the
 * JDK's public API and its thread-starting plumbing, the JDK's own implementation (a package its module
 * does not export, such as {@code sun.nio.ch}) decided to start the thread before any code of the task
 * did. Such a thread is handed to the default scheduler, at its start and at every resume.
 */
final class JdkThreads {

    /** Continuations of the JDK's own threads, weakly: an entry goes with its thread. */
    private static final Map<Runnable, Boolean> FORWARDED = Collections.synchronizedMap(new WeakHashMap<>());

    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private static final ClassLoader PLATFORM_LOADER = ClassLoader.getPlatformClassLoader();

    private JdkThreads() {
    }

    /** If {@code continuation} is a JDK thread's that was seen starting, runs it on the default scheduler. */
    static boolean runIfForwarded(Runnable continuation) {
        if (FORWARDED.isEmpty() || !FORWARDED.containsKey(continuation)) {
            return false;
        }
        SchedulerHook.get().defaultScheduler().execute(continuation);
        return true;
    }

    /**
     * Called, on the starting thread, with the first continuation of a thread that a task started: if the
     * JDK started it for itself, it is remembered and run on the default scheduler, and this returns true.
     */
    static boolean forwardIfStartedByTheJdk(Runnable continuation) {
        Executor defaultScheduler = SchedulerHook.get().defaultScheduler();
        if (defaultScheduler == null || !startedByTheJdk()) {
            return false; // (a JDK that hides its scheduler: adopt, as for any other thread)
        }
        FORWARDED.put(continuation, Boolean.TRUE);
        defaultScheduler.execute(continuation);
        return true;
    }

    /** See the class comment. */
    private static boolean startedByTheJdk() {
        return WALKER.walk(frames -> frames
                .map(StackWalker.StackFrame::getDeclaringClass)
                .dropWhile(c -> c != Task.Dispatcher.class)
                .skip(1) // below the dispatcher the JDK asked: the thread's start, and whoever started it
                .filter(c -> !isJdkApi(c) && !isThreadPlumbing(c))
                .findFirst()
                .map(JdkThreads::isJdkImplementation)
                .orElse(false));
    }

    private static boolean isJdk(Class<?> c) {
        ClassLoader loader = c.getClassLoader();
        return c.getModule().isNamed() && (loader == null || loader == PLATFORM_LOADER);
    }

    /** A class of a package the JDK exports: its public API (Thread, executors, sockets...). */
    private static boolean isJdkApi(Class<?> c) {
        return isJdk(c) && c.getModule().isExported(c.getPackageName());
    }

    /** The JDK's internal machinery for starting threads on a caller's behalf (structured scopes, containers). */
    private static boolean isThreadPlumbing(Class<?> c) {
        String pkg = c.getPackageName();
        return isJdk(c) && (pkg.equals("jdk.internal.misc") || pkg.equals("jdk.internal.vm"))
                && c.getSimpleName().contains("Thread");
    }

    private static boolean isJdkImplementation(Class<?> c) {
        return isJdk(c) && !c.getModule().isExported(c.getPackageName());
    }
}
