package io.asynkit;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The engine's dependency rules (docs/design.md, "The loop core"), checked on its compiled classes. A rule
 * that fails names the offending dependency; change the code, or the rule and the design text together.
 *
 * <p>Packages: {@code loop} is the core; {@code priority}, {@code interrupt}, {@code coro} and {@code group}
 * are built on it, and the core knows of them only the priority value types. Inside {@code loop}, layers
 * from the bottom: the ready queue and inbox (data structures, no threads, locks or clock); the state machine
 * ({@code Dispatch}, the only writer of a task's scheduling word besides the lane binding); carriers and
 * their support; the engines; the public facade.
 */
class ArchitectureTest {

    private static JavaClasses engine;

    @BeforeAll
    static void importEngine() {
        engine = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.asynkit");
    }

    @Test
    void theEngineDependsOnTheJdkAlone() {
        check(classes().that().resideInAPackage("io.asynkit..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.asynkit..", "java..", "jdk.internal.vm..")
                .because("asynkit-engine has no dependencies: no Spring, no logging library"));
    }

    @Test
    void thePackagesHaveNoCyclesBeyondThePriorityValueTypesAndTheAccessBridge() {
        check(slices().matching("io.asynkit.(*)..").should().beFreeOfCycles()
                .ignoreDependency(describe("core classes", c -> c.getPackageName().equals("io.asynkit.loop")),
                        describe("the priority value types", c -> c.getName().equals("io.asynkit.priority.Priority")
                                || c.getName().equals("io.asynkit.priority.PriorityBand")))
                .ignoreDependency(describe("the access bridge", c -> c.getName().startsWith("io.asynkit.internal.TaskInternals")),
                        describe("the task it opens to the engine's other packages",
                                c -> c.getPackageName().equals("io.asynkit.loop"))));
    }

    @Test
    void theCoreKnowsNothingOfTheToolsBuiltOnIt() {
        check(noClasses().that().resideInAPackage("io.asynkit.loop")
                .should().dependOnClassesThat().resideInAnyPackage("io.asynkit.coro..", "io.asynkit.group..",
                        "io.asynkit.interrupt..")
                .because("coroutines, groups and interrupts are built on the loop's public API"));
    }

    @Test
    void theReadyQueueAndInboxAreDataStructuresWithoutThreadsLocksOrClock() {
        check(noClasses().that().haveSimpleName("ReadyQueue").or().haveSimpleName("Inbox")
                .or().haveSimpleName("ReadyEntry")
                .should().dependOnClassesThat().resideInAPackage("java.util.concurrent.locks..")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().dependOnClassesThat().haveSimpleName("Carrier")
                .orShould().dependOnClassesThat().haveSimpleName("Scheduler")
                .because("R1: one queue's order is a single-threaded data structure, guarded by its RunQueue"));
    }

    @Test
    void onlyTheStateMachineAndTheLaneBindingChangeATasksSchedulingWord() {
        check(noClasses().that().resideInAPackage("io.asynkit.loop")
                .and().doNotHaveSimpleName("Dispatch").and().doNotHaveSimpleName("Lane")
                .and().doNotHaveSimpleName("Task").and().doNotHaveSimpleName("DegradedEngine")
                .should().callMethod("io.asynkit.loop.Task", "casSched", "long", "long")
                .orShould().callMethod("io.asynkit.loop.Task", "setSched", "long")
                .because("R2: every state transition is in Dispatch's table (a degraded loop keeps its own, "
                        + "under its lock)"));
    }

    @Test
    void onlyTheQueuesWriteTheRegistryLinksAndTheStateClock() {
        check(noClasses().that().resideInAPackage("io.asynkit.loop")
                .and().doNotHaveSimpleName("Dispatch").and().doNotHaveSimpleName("RunQueue")
                .and().doNotHaveSimpleName("Task").and().doNotHaveSimpleName("DegradedEngine")
                .should().setFieldWhere(describe("a registry link or the state clock of a task",
                        access -> access.getTarget().getOwner().getName().equals("io.asynkit.loop.Task")
                                && (access.getTarget().getName().equals("stateSince")
                                || access.getTarget().getName().equals("home")
                                || access.getTarget().getName().equals("nextLive")
                                || access.getTarget().getName().equals("previousLive"))))
                .because("R2: counts and the registry change with the state, in one place"));
    }

    @Test
    void carriersDoNotKnowDrives() {
        check(noClasses().that().haveSimpleName("Carrier").or().haveSimpleName("CarrierThread")
                .or().haveSimpleName("Idle").or().haveSimpleName("Watchdog")
                .should().dependOnClassesThat().haveSimpleName("Drive")
                .because("R3: the end of a segment is reported by Dispatch, on one path"));
    }

    @Test
    void nothingBelowTheEnginesKnowsTheFacade() {
        check(noClasses().that().haveSimpleName("ReadyQueue").or().haveSimpleName("Inbox")
                .or().haveSimpleName("RunQueue").or().haveSimpleName("Dispatch").or().haveSimpleName("Idle")
                .or().haveSimpleName("Lane").or().haveSimpleName("Carrier").or().haveSimpleName("CarrierThread")
                .or().haveSimpleName("Watchdog").or().haveSimpleName("Timers").or().haveSimpleName("Lifecycle")
                .or().haveSimpleName("Deferred").or().haveSimpleName("Snapshots")
                .should().dependOnClassesThat().haveSimpleName("Loop")
                .because("R4: the machinery works for an Engine; Loop is the public facade over it"));
    }

    @Test
    void theFacadeOnlyBuildsTheSchedulerAndDelegatesToTheEngine() {
        check(noClasses().that().haveSimpleName("Loop")
                .should().callMethodWhere(describe("a method of Scheduler",
                        call -> call.getTarget().getOwner().getSimpleName().equals("Scheduler")))
                .orShould().accessFieldWhere(describe("a field of Scheduler",
                        access -> access.getTarget().getOwner().getSimpleName().equals("Scheduler")))
                .because("R5: Loop has no 'if hooked': which engine runs the loop is decided once, when it is built"));
    }

    @Test
    void onlyCarriersAndTheWatchdogStartCarrierThreads() {
        check(noClasses().that().resideInAPackage("io.asynkit.loop")
                .and().doNotHaveSimpleName("Carrier").and().doNotHaveSimpleName("Watchdog")
                .should().callConstructorWhere(describe("a CarrierThread's constructor",
                        call -> call.getTarget().getOwner().getSimpleName().equals("CarrierThread")))
                .because("a carrier is made by the watchdog, which replaces failed ones and starts spares"));
    }

    private static void check(ArchRule rule) {
        rule.check(engine);
    }
}
