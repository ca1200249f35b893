package io.asynkit.loop;

import io.asynkit.priority.PriorityBand;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * A loop without the JDK's scheduler hook ({@link MissingHookPolicy#DEGRADE}): its tasks are plain virtual
 * threads on the JDK's default scheduler. They run, complete, cancel and are listed; their states come from
 * {@link Thread#getState()} ({@code RUNNABLE} and {@code RUNNING} cannot be told apart and read as
 * {@code RUNNING}); there is no ready queue, so positional scheduling is refused with a message naming the
 * flag that would enable it, and callbacks run on virtual threads of their own.
 */
final class DegradedEngine extends Engine {

    private final String problem;
    private final Object lock = new Object(); // guards the registry; a monitor no carrier of ours ever takes
    private final Set<Task<?>> live = new LinkedHashSet<>();
    private long started;
    private long completed;

    DegradedEngine(Loop loop, LoopConfig config, String problem) {
        super(loop, config);
        this.problem = problem;
        log().log(System.Logger.Level.WARNING, "asynkit loop ''{0}'' runs DEGRADED on the JDK''s default scheduler "
                + "(no priorities, no positional scheduling, RUNNABLE reported as RUNNING): {1}", config.name(), problem);
    }

    @Override
    boolean isHooked() {
        return false;
    }

    @Override
    Thread.Builder.OfVirtual threadBuilder(Executor dispatcher) {
        return Thread.ofVirtual();
    }

    @Override
    void execute(Task<?> owner, Runnable continuation) {
        throw new IllegalStateException("a degraded loop schedules nothing itself");
    }

    @Override
    void starting(Task<?> task) {
        synchronized (lock) {
            lifecycle.rejectIfShutDown(task.name());
            live.add(task);
            started++;
            task.stateSince = System.nanoTime();
            task.setSched(Task.withState(task.sched(), Task.RUNNING));
        }
    }

    @Override
    void bodyFinished(Task<?> task) {
        synchronized (lock) {
            if (live.remove(task)) {
                completed++;
                task.stateSince = System.nanoTime();
                task.setSched(Task.withState(task.sched(), Task.DONE));
            }
        }
        tryTerminate();
    }

    @Override
    TaskState stateOf(Task<?> task) {
        int state = Task.stateOf(task.sched());
        Thread thread = task.thread;
        if (state != Task.RUNNING || thread == null) {
            return Task.taskStateOf(task.sched());
        }
        return switch (thread.getState()) {
            case NEW -> TaskState.NEW;
            case RUNNABLE -> TaskState.RUNNING;
            case BLOCKED, WAITING, TIMED_WAITING -> TaskState.BLOCKED;
            case TERMINATED -> TaskState.DONE;
        };
    }

    @Override
    long nanosInState(Task<?> task) {
        return Task.stateOf(task.sched()) == Task.NEW ? 0 : System.nanoTime() - task.stateSince;
    }

    @Override
    void priorityChanged(Task<?> task) {
        // recorded on the task; there is no queue to apply it to
    }

    private UnsupportedOperationException unsupported(String operation) {
        return new UnsupportedOperationException(operation + " needs a loop that schedules its own tasks, but loop '"
                + name() + "' runs degraded: " + problem);
    }

    @Override
    void descend(Task<?> current, Task<?> child) {
        throw unsupported("createTaskDescend");
    }

    @Override
    void yieldToPosition(Task<?> current, int position) {
        throw unsupported("sleepInsert");
    }

    @Override
    void switchTo(Task<?> current, Task<?> target, int insertPosition) {
        throw unsupported("taskSwitch");
    }

    @Override
    void queueInsertPosition(Task<?> task, int position) {
        throw unsupported("queueInsertPosition");
    }

    @Override
    List<Task<?>> tasks(Predicate<Task<?>> filter) {
        List<Task<?>> result = new ArrayList<>();
        synchronized (lock) {
            for (Task<?> task : live) {
                if (filter.test(task)) {
                    result.add(task);
                }
            }
        }
        return result;
    }

    @Override
    List<Task<?>> runnableTasks() {
        return List.of();
    }

    @Override
    int queueLength() {
        return 0;
    }

    @Override
    LoopStatistics statistics() {
        synchronized (lock) {
            int blocked = 0;
            for (Task<?> task : live) {
                blocked += stateOf(task) == TaskState.BLOCKED ? 1 : 0;
            }
            List<BandStatistics> bands = new ArrayList<>();
            for (PriorityBand band : PriorityBand.values()) {
                bands.add(new BandStatistics(band, 0, 0, 0, 0));
            }
            return new LoopStatistics(name(), config.policy(), false, config.carriers(), 0, 0, 0, live.size() - blocked,
                    blocked, started, completed, 0, 0, 0, 0, config.boostAfter(), 0, 0, bands, 0, 0, 0, 0);
        }
    }

    @Override
    void callSoon(Handle handle) {
        lifecycle.rejectIfTerminated("callSoon");
        Thread.ofVirtual().name(name() + "-callback").start(handle::runOnCarrier);
    }

    @Override
    void callAtPosition(int position, Handle handle) {
        throw unsupported("callAtPosition");
    }

    @Override
    void callbackDue(Handle handle) {
        if (lifecycle.isTerminated()) {
            handle.cancelQuietly();
        } else {
            Thread.ofVirtual().name(name() + "-callback").start(handle::runOnCarrier);
        }
    }

    @Override
    void unqueue(Handle handle) {
        timers.forget(handle);
    }

    @Override
    void tryTerminate() {
        boolean idle;
        synchronized (lock) {
            idle = live.isEmpty();
        }
        if (idle && lifecycle.state() == Lifecycle.SHUTDOWN && lifecycle.terminate()) {
            terminated();
        }
    }

    @Override
    void joinThreads(long deadline) {
        timers.stop();
        for (Thread timerThread : timers.threads()) {
            joinQuietly(timerThread, deadline);
        }
    }
}
