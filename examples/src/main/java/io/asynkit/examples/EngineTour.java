package io.asynkit.examples;

import io.asynkit.coro.Coroutines;
import io.asynkit.coro.Generator;
import io.asynkit.coro.GeneratorObject;
import io.asynkit.coro.SynchronousError;
import io.asynkit.group.TaskGroup;
import io.asynkit.interrupt.InterruptException;
import io.asynkit.interrupt.Interrupts;
import io.asynkit.loop.Loop;
import io.asynkit.loop.LoopStatistics;
import io.asynkit.loop.Scheduling;
import io.asynkit.loop.Task;
import io.asynkit.priority.Priority;
import io.asynkit.priority.PriorityBand;
import io.asynkit.priority.PriorityLock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * A five-minute tour of the engine: run it with {@code ./run} and read along.
 */
public final class EngineTour {

    private EngineTour() {
    }

    public static void main(String[] args) throws Exception {
        section("1. Loop.run: a main task on a single-carrier loop, in the manner of asyncio.run");
        String greeting = Loop.run(() -> {
            Task<String> world = Loop.current().submit(() -> "world");
            return "hello " + world.get();
        });
        say("result: " + greeting);

        section("2. Priorities: lower runs first, FIFO among equals");
        List<String> order = new ArrayList<>();
        Loop.run(() -> {
            Loop loop = Loop.current();
            loop.newTask().name("low").priority(Priority.LOW).start(() -> order.add("low"));
            loop.newTask().name("normal").start(() -> order.add("normal"));
            loop.newTask().name("high").priority(Priority.HIGH).start(() -> order.add("high"));
            Task.current().setPriority(Priority.LOW + 1); // let everything else go first
            Scheduling.yieldNow();
            return null;
        });
        say("ran in order: " + order);

        section("3. Depth-first: createTaskDescend runs the child now; the parent resumes when it first parks");
        List<String> log = new ArrayList<>();
        Loop.run(() -> {
            log.add("a");
            Task<?> child = Scheduling.createTaskDescend(() -> {
                log.add("1");
                Scheduling.yieldNow();
                log.add("2");
                return null;
            });
            log.add("b");
            child.get();
            log.add("c");
            return null;
        });
        say("log: " + log + "   (a plain task would give [a, b, 1, 2, c])");

        section("4. Positional scheduling: sleepInsert(2) resumes after exactly two other tasks");
        List<String> positions = new ArrayList<>();
        Loop.run(() -> {
            for (String name : List.of("t1", "t2", "t3")) {
                Loop.current().newTask().name(name).start(() -> positions.add(name));
            }
            Scheduling.sleepInsert(2);
            positions.add("main");
            Scheduling.yieldNow();
            return null;
        });
        say("order: " + positions);

        section("5. Introspection: which tasks are runnable, which are blocked, and where");
        try (Loop loop = Loop.builder().name("tour").carriers(2).build()) {
            CompletableFuture<String> reply = new CompletableFuture<>();
            Task<String> waiting = loop.newTask().name("waits-for-reply").start(() -> reply.get());
            Task<Void> sleeping = loop.newTask().name("sleeps").start(() -> {
                Scheduling.sleep(Duration.ofMillis(200));
                return null;
            });
            Thread.sleep(50);
            for (Task<?> t : loop.blockedTasks()) {
                say("blocked: " + t.name() + " in " + blockingCall(t));
            }
            reply.complete("done");
            waiting.get();
            sleeping.get();
            LoopStatistics stats = loop.statistics();
            say("statistics: started=" + stats.tasksStarted() + " dispatches=" + stats.dispatches()
                    + " policy=" + stats.policy() + " carriers=" + stats.carriers());
        }
        section("6. Eager calls: start now, continue when the call first blocks");
        List<String> eagerLog = new ArrayList<>();
        Loop.run(() -> {
            eagerLog.add("a");
            CompletableFuture<Void> call = Coroutines.eager(() -> {
                eagerLog.add("1");
                Thread.sleep(50); // the call blocks: the caller continues
                eagerLog.add("2");
                return null;
            });
            eagerLog.add("b");
            call.get();
            return null;
        });
        say("log: " + eagerLog + "   (the Python README's depth-first order)");

        section("7. Generators from ordinary code: ayield from any depth, consumed as an Iterator");
        GeneratorObject<Integer> squares = new GeneratorObject<>();
        Generator<Integer> generator = squares.generate(() -> {
            for (int i = 1; i <= 5; i++) {
                squares.ayield(i * i);
            }
            return null;
        });
        List<Integer> values = new ArrayList<>();
        generator.forEach(values::add);
        say("squares: " + values);

        section("8. awaitSync: code that would block is aborted where it would block");
        try {
            Coroutines.awaitSync(() -> {
                Thread.sleep(1000);
                return "never";
            });
        } catch (SynchronousError e) {
            say("SynchronousError; it would have blocked at " + e.getCause().getStackTrace()[0]);
        }

        section("9. Priority inheritance: a LOW lock holder runs as HIGH while a HIGH task waits for its lock");
        List<String> inheritanceLog = new ArrayList<>();
        Loop.run(() -> {
            PriorityLock lock = new PriorityLock("inventory");
            CompletableFuture<Void> gate = new CompletableFuture<>();
            Task<?> low = Loop.current().newTask().name("low").priority(Priority.LOW).start(() -> {
                lock.lock();
                try {
                    gate.get(); // holds the lock while it waits
                    inheritanceLog.add("low releases");
                } finally {
                    lock.unlock();
                }
                return null;
            });
            Thread.sleep(5);
            Task<?> high = Loop.current().newTask().name("high").priority(Priority.HIGH).start(() -> {
                lock.lock();
                lock.unlock();
                inheritanceLog.add("high got the lock");
            });
            Thread.sleep(5);
            say("low's own priority " + low.priority() + ", effective " + low.effectivePriority());
            Loop.current().newTask().name("medium").priority(-5).start(() -> inheritanceLog.add("medium"));
            gate.complete(null); // low is queued as HIGH: it runs before medium
            high.get();
            return null;
        });
        say("log: " + inheritanceLog);

        section("10. Boosting: under a flood of HIGH work, LOW still runs once every boostAfter + 1 dispatches");
        LoopStatistics boostStats = Loop.builder().boostAfter(10).run(() -> {
            Task.current().setPriority(Priority.HIGH);
            Task<?> low = Loop.current().newTask().priority(Priority.LOW).start(() -> {
                for (int i = 0; i < 3; i++) {
                    Scheduling.yieldNow();
                }
            });
            while (!low.isDone()) {
                Scheduling.yieldNow(); // main, HIGH, never stops yielding
            }
            return Loop.current().statistics();
        });
        say("boosts: " + boostStats.boosts() + ", LOW dispatches: " + boostStats.band(PriorityBand.LOW).dispatches()
                + ", HIGH dispatches: " + boostStats.band(PriorityBand.HIGH).dispatches());

        section("11. Interrupts and timeouts: a chosen exception, raised where the task waits");
        Loop.run(() -> {
            Task<String> worker = Loop.current().submit(() -> {
                try {
                    Scheduling.await(new CompletableFuture<String>()); // waits forever
                    return "finished";
                } catch (InterruptException e) {
                    return "worker stopped: " + e.getMessage();
                }
            });
            Thread.sleep(5);
            Interrupts.taskInterrupt(worker, new InterruptException("configuration reloaded"));
            say(worker.get() + " (already done when taskInterrupt returned: " + worker.isDone() + ")");
            try {
                Interrupts.withTimeout(Duration.ofMillis(20), () -> {
                    Scheduling.sleep(Duration.ofSeconds(10));
                    return null;
                });
            } catch (TimeoutException e) {
                say("withTimeout: " + e.getMessage());
            }
            return null;
        });

        section("12. Task groups: eager children, and no child outlives the group");
        String groupResult = Loop.run(() -> TaskGroup.run(group -> {
            Task<String> a = group.startSoon(() -> {
                Scheduling.sleep(Duration.ofMillis(20));
                return "a";
            });
            String ready = group.start(status -> {
                status.started("server ready");
                Scheduling.sleep(Duration.ofMillis(10));
            });
            return ready + ", " + a.get();
        }));
        say("group returned: " + groupResult);

        say("\nDone. Tests: ./test   Docs: README.md and docs/");
    }

    /** The JDK call the task is blocked in: the last frame before our own code. */
    private static String blockingCall(Task<?> task) {
        StackTraceElement[] stack = task.stackTrace();
        for (int i = 1; i < stack.length; i++) {
            if (stack[i].getClassName().startsWith("io.asynkit.")) {
                return stack[i - 1].getClassName() + "." + stack[i - 1].getMethodName();
            }
        }
        return stack.length > 0 ? stack[0].toString() : "(no stack)";
    }

    private static void section(String title) {
        System.out.println("\n== " + title);
    }

    private static void say(String line) {
        System.out.println("   " + line);
    }
}
