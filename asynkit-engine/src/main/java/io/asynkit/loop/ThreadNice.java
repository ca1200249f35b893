package io.asynkit.loop;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * The Linux nice value of the calling OS thread, through {@code setpriority(2)} and
 * {@code getpriority(2)} called with the FFM API. On Linux the nice value belongs to a thread, not
 * to the process: {@code PRIO_PROCESS} with {@code who = 0} means the calling thread. Elsewhere,
 * or where native access is denied, nothing is changed and {@link #unsupported()} says why.
 *
 * <p>Why a loop wants it ({@link Loop.Builder#carrierNice}): carriers that run CPU-bound work keep
 * the cores busy, and the kernel then lets a waking thread that has little to do (a web server's
 * poller, which hands each request to the loop) wait for a carrier's time slice to end, milliseconds
 * on a saturated machine. A carrier with a higher nice value gives way to such threads at once.
 */
final class ThreadNice {

    private static final int PRIO_PROCESS = 0;

    private static final MethodHandle SET;  // int setpriority(int which, int who, int prio); null if unsupported
    private static final MethodHandle GET;  // int getpriority(int which, int who)
    private static final String UNSUPPORTED; // why it is unsupported, or null

    static {
        MethodHandle set = null;
        MethodHandle get = null;
        String why = null;
        if (!"Linux".equals(System.getProperty("os.name"))) {
            why = "the nice value of a single thread is a Linux feature; this is " + System.getProperty("os.name");
        } else {
            try {
                Linker linker = Linker.nativeLinker();
                set = linker.downcallHandle(linker.defaultLookup().find("setpriority").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                                ValueLayout.JAVA_INT));
                get = linker.downcallHandle(linker.defaultLookup().find("getpriority").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            } catch (IllegalCallerException e) { // --illegal-native-access=deny
                why = "native access is denied (" + e.getMessage() + "); add the JVM option "
                        + "--enable-native-access=ALL-UNNAMED (or the manifest entry 'Enable-Native-Access: ALL-UNNAMED')";
                set = null;
                get = null;
            } catch (RuntimeException e) {
                why = "setpriority(2) could not be linked: " + e;
                set = null;
                get = null;
            }
        }
        SET = set;
        GET = get;
        UNSUPPORTED = why;
    }

    private ThreadNice() {
    }

    /** Why nice values cannot be set here, or empty where they can. */
    static Optional<String> unsupported() {
        return Optional.ofNullable(UNSUPPORTED);
    }

    /**
     * Sets the calling OS thread's nice value (of a virtual thread: its carrier's, for as long as it is
     * mounted). Raising it never needs privileges; lowering it below the current value may.
     *
     * @return empty on success, otherwise why it failed
     */
    static Optional<String> set(int nice) {
        if (SET == null) {
            return unsupported();
        }
        try {
            return (int) SET.invokeExact(PRIO_PROCESS, 0, nice) == 0 ? Optional.empty()
                    : Optional.of("setpriority(PRIO_PROCESS, 0, " + nice + ") failed; lowering a nice value needs "
                            + "CAP_SYS_NICE or a matching RLIMIT_NICE");
        } catch (Throwable e) {
            return Optional.of("setpriority(2) failed: " + e);
        }
    }

    /** The calling OS thread's nice value, or empty where unsupported. */
    static Optional<Integer> get() {
        if (GET == null) {
            return Optional.empty();
        }
        try {
            return Optional.of((int) GET.invokeExact(PRIO_PROCESS, 0));
        } catch (Throwable e) {
            return Optional.empty();
        }
    }
}
