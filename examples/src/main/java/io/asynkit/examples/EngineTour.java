package io.asynkit.examples;

import io.asynkit.coro.Coroutines;
import io.asynkit.coro.Generator;
import io.asynkit.coro.GeneratorObject;
import io.asynkit.coro.SynchronousError;
import io.asynkit.loop.Loop;
import io.asynkit.loop.LoopStatistics;
import io.asynkit.loop.Scheduling;
import io.asynkit.loop.Task;
import io.asynkit.priority.Priority;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

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
