package io.asynkit.loop;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The drives whose task is suspended in {@link Drive#signal()} (a generator at its ayield, a monitored
 * coroutine at its oob), so that a shut-down loop left with nothing else can close them.
 *
 * <p>Such a loop would wait for them forever: nothing left on it can resume them. They are closed, as
 * Python closes the async generators left at the end of {@code asyncio.run}: each raises the exception its
 * drive closes with ({@link Drive#closeWith}) where it is suspended, and unwinds. Checked whenever a task
 * ends or suspends after the shutdown, and at the shutdown itself.
 *
 * <p>Suspending and resuming is the hot path of every generator step, so it costs one field write and one
 * atomic count: the suspended task points at its drive ({@code Task.suspendedIn}), and the drives are found
 * by walking the live tasks only when a shut-down loop's count says they may be all it has left.
 */
final class SuspendedDrives {

    private final Scheduler scheduler;
    private final AtomicInteger count = new AtomicInteger();

    SuspendedDrives(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** {@code task} is about to suspend in {@code drive}'s signal(). Under the drive's lock. */
    void suspended(Drive drive, Task<?> task) {
        task.suspendedIn = drive;
        count.incrementAndGet();
    }

    /** {@code task}, suspended in a signal(), was resumed, abandoned, or stopped waiting. Under the drive's lock. */
    void resumed(Task<?> task) {
        task.suspendedIn = null;
        count.decrementAndGet();
    }

    /** Closes the suspended coroutines if the loop is shut down and they are all it has left. No lock held. */
    void closeIfNothingElseIsLive() {
        Lifecycle lifecycle = scheduler.lifecycle;
        int suspended = count.get();
        if (lifecycle.state() != Lifecycle.SHUTDOWN || suspended == 0 || lifecycle.foreignStartsInFlight()) {
            return;
        }
        List<Drive> drives = scheduler.snapshot(qs -> {
            if (Snapshots.liveCount(qs) != suspended || !Snapshots.inboxesEmpty(qs)) {
                return List.of();
            }
            List<Drive> found = new ArrayList<>(suspended);
            for (Task<?> task : Snapshots.liveTasks(qs, t -> true)) {
                Drive drive = task.suspendedIn;
                if (drive != null) {
                    found.add(drive);
                }
            }
            return found;
        });
        if (drives.size() == suspended) { // else one was resumed meanwhile: it runs, and checks again when it ends
            for (Drive drive : drives) {
                drive.abandon(drive.exitFor("loop '" + scheduler.name() + "' shut down while coroutine "
                        + drive.task().name() + " was suspended, and nothing left on it could resume it"));
            }
        }
    }
}
