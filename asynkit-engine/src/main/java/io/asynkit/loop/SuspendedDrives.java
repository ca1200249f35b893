package io.asynkit.loop;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The drives whose task is suspended in {@link Drive#signal()} (a generator at its ayield, a monitored
 * coroutine at its oob), so that a shut-down loop left with nothing else can close them.
 *
 * <p>Such a loop would wait for them forever: nothing left on it can resume them. They are closed, as
 * Python closes the async generators left at the end of {@code asyncio.run}: each raises the exception its
 * drive closes with ({@link Drive#closeWith}) where it is suspended, and unwinds. Checked whenever a task
 * ends or suspends after the shutdown, and at the shutdown itself.
 */
final class SuspendedDrives {

    private final Scheduler scheduler;
    private final Set<Drive> drives = ConcurrentHashMap.newKeySet();

    SuspendedDrives(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** {@code drive}'s task is about to suspend in signal(). Under the drive's lock. */
    void suspended(Drive drive) {
        drives.add(drive);
    }

    /** {@code drive}'s task was resumed, abandoned, or stopped waiting. Under the drive's lock. */
    void resumed(Drive drive) {
        drives.remove(drive);
    }

    /** Closes the suspended coroutines if the loop is shut down and they are all it has left. No lock held. */
    void closeIfNothingElseIsLive() {
        Lifecycle lifecycle = scheduler.lifecycle;
        if (lifecycle.state() != Lifecycle.SHUTDOWN || drives.isEmpty() || lifecycle.foreignStartsInFlight()) {
            return;
        }
        int suspended = drives.size();
        boolean onlySuspended = scheduler.snapshot(qs -> Snapshots.liveCount(qs) == suspended
                && Snapshots.inboxesEmpty(qs));
        if (onlySuspended) {
            for (Drive drive : List.copyOf(drives)) {
                drive.abandon(drive.exitFor("loop '" + scheduler.name() + "' shut down while coroutine "
                        + drive.task().name() + " was suspended, and nothing left on it could resume it"));
            }
        }
    }
}
