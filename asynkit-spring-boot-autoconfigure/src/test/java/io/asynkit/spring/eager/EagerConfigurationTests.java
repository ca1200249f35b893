package io.asynkit.spring.eager;

import io.asynkit.loop.Loop;
import io.asynkit.loop.Task;
import io.asynkit.spring.config.AsynkitAutoConfiguration;
import io.asynkit.spring.priority.Priority;
import io.asynkit.spring.priority.PriorityAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.aop.Advisor;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.AsyncAnnotationAdvisor;
import org.springframework.scheduling.annotation.EnableAsync;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** How {@code @Eager} is wired: start-up checks, what class-level {@code @Eager} covers, back-off, order, {@code @Async}. */
@Timeout(60)
class EagerConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AsynkitAutoConfiguration.class, EagerAutoConfiguration.class))
            .withPropertyValues("asynkit.carriers=1", "asynkit.shutdown.await-termination-period=1s");

    @Test
    void anInvalidReturnTypeFailsStartUpNamingTheBeanTheMethodAndTheAllowedTypes() {
        runner.withBean("reportService", InvalidReturnType.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(BeanInitializationException.class)
                    .hasMessageContaining("bean 'reportService'")
                    .hasMessageContaining("InvalidReturnType.title(int) returns java.lang.String")
                    .hasMessageContaining("must return CompletableFuture, CompletionStage, Future or void");
        });
    }

    @Test
    void aClassLevelEagerCoversEveryPublicMethodItDeclaresSoTheirReturnTypesAreCheckedToo() {
        runner.withBean("counter", ClassLevelWithAGetter.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("bean 'counter'")
                    .hasMessageContaining("ClassLevelWithAGetter.count() returns int (covered by @Eager on the class)")
                    .hasMessageNotContaining("toString")
                    .hasMessageNotContaining("work()");
        });
    }

    @Test
    void eagerOnAPrivateMethodFailsStartUp() {
        runner.withBean("hidden", PrivateEager.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("PrivateEager.hidden() is private: a proxy never intercepts it");
        });
    }

    @Test
    void aClassLevelEagerLeavesObjectMethodsAndUnannotatedSuperclassMethodsAlone() {
        runner.withBean(ClassLevel.class).run(context -> {
            assertThat(context).hasNotFailed();
            ClassLevel bean = context.getBean(ClassLevel.class);
            assertThat(AopUtils.isAopProxy(bean)).isTrue();
            assertThat(bean.work().join()).as("declared by the @Eager class").isNotNull();
            assertThat(bean.inherited().join()).as("inherited from a plain superclass: a plain call").isNull();
            assertThat(bean.toString()).isEqualTo("ClassLevel");
        });
    }

    @Test
    void theOrderComesFromAsynkitEagerOrder() {
        runner.run(context -> assertThat(context.getBean(EagerAnnotationBeanPostProcessor.class).getOrder())
                .isEqualTo(Integer.MAX_VALUE));
        runner.withPropertyValues("asynkit.eager.order=42").run(context ->
                assertThat(context.getBean(EagerAnnotationBeanPostProcessor.class).getOrder()).isEqualTo(42));
    }

    @Test
    void backsOffWhenAsynkitIsDisabled() {
        runner.withPropertyValues("asynkit.enabled=false").withBean(ClassLevel.class).run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(EagerAnnotationBeanPostProcessor.class);
            ClassLevel bean = context.getBean(ClassLevel.class);
            assertThat(AopUtils.isAopProxy(bean)).isFalse();
            assertThat(bean.work().join()).as("a plain call").isNull();
        });
    }

    @Test
    void backsOffWhenTheApplicationHasItsOwnPostProcessor() {
        runner.withUserConfiguration(OwnPostProcessor.class).run(context -> {
            assertThat(context).hasSingleBean(EagerAnnotationBeanPostProcessor.class);
            assertThat(context.getBean(EagerAnnotationBeanPostProcessor.class).getOrder()).isEqualTo(7);
        });
    }

    @Test
    void asyncAndEagerCoexistOnOneBeanInOneProxy() {
        runner.withUserConfiguration(AsyncConfig.class).run(context -> {
            assertThat(context).hasNotFailed();
            Mixed bean = context.getBean(Mixed.class);
            Advisor[] advisors = ((Advised) bean).getAdvisors();
            assertThat(advisors).hasSize(3);
            assertThat(advisors[0].getAdvice()).as("@Eager's advice goes first").isInstanceOf(EagerInterceptor.class);
            assertThat(advisors[1].getAdvice().getClass().getSimpleName())
                    .as("then the one that names @Async tasks, right before @Async's").isEqualTo("AsyncMethodNamingInterceptor");
            assertThat(advisors[2]).isInstanceOf(AsyncAnnotationAdvisor.class);

            Task<?> eager = bean.eager().join();
            assertThat(eager.name()).isEqualTo("eager:EagerConfigurationTests.Mixed.eager");
            Task<?> async = bean.async().get(30, TimeUnit.SECONDS);
            assertThat(async).as("@Async ran on applicationTaskExecutor, a task of the loop").isNotNull();
            assertThat(async.name()).isEqualTo("task-EagerConfigurationTests.Mixed.async");
            assertThat(async.loop()).isSameAs(eager.loop());
        });
    }

    @Test
    void priorityOnAnEagerMethodAppliesToTheEagerTaskFromAThreadAndFromATask() {
        runner.withConfiguration(AutoConfigurations.of(PriorityAutoConfiguration.class)).withBean(Prioritised.class)
                .run(context -> {
                    Prioritised bean = context.getBean(Prioritised.class);
                    Advisor[] advisors = ((Advised) bean).getAdvisors();
                    assertThat(advisors[0].getAdvice()).as("@Eager's advice outside @Priority's")
                            .isInstanceOf(EagerInterceptor.class);
                    assertThat(bean.prioritiesAroundAPark().get(30, TimeUnit.SECONDS))
                            .containsExactly(Priority.LOW, Priority.LOW);
                    Loop loop = context.getBean(Loop.class);
                    assertThat(loop.submit(() -> bean.prioritiesAroundAPark().get()).get(30, TimeUnit.SECONDS))
                            .containsExactly(Priority.LOW, Priority.LOW);
                });
    }

    static class Prioritised {
        @Eager
        @Priority(Priority.LOW)
        public CompletableFuture<List<Double>> prioritiesAroundAPark() throws InterruptedException {
            double before = Task.current().priority();
            Thread.sleep(10);
            return CompletableFuture.completedFuture(List.of(before, Task.current().priority()));
        }
    }

    static class InvalidReturnType {
        @Eager
        public String title(int id) {
            return "t" + id;
        }
    }

    @Eager
    static class ClassLevelWithAGetter {
        public CompletableFuture<String> work() {
            return CompletableFuture.completedFuture("w");
        }

        public int count() {
            return 1;
        }

        @Override
        public String toString() {
            return "ClassLevelWithAGetter";
        }
    }

    static class PrivateEager {
        @Eager
        private void hidden() {
        }
    }

    static class PlainBase {
        public CompletableFuture<Task<?>> inherited() {
            return CompletableFuture.completedFuture(Task.currentOrNull());
        }

        public String baseName() {
            return "base";
        }
    }

    @Eager
    static class ClassLevel extends PlainBase {
        public CompletableFuture<Task<?>> work() {
            return CompletableFuture.completedFuture(Task.currentOrNull());
        }

        @Override
        public String toString() {
            return "ClassLevel";
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnPostProcessor {
        @Bean
        static EagerAnnotationBeanPostProcessor myEagerPostProcessor() {
            EagerAnnotationBeanPostProcessor postProcessor = new EagerAnnotationBeanPostProcessor();
            postProcessor.setOrder(7);
            return postProcessor;
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAsync
    static class AsyncConfig {
        @Bean
        Mixed mixed() {
            return new Mixed();
        }
    }

    static class Mixed {
        @Eager
        public CompletableFuture<Task<?>> eager() {
            return CompletableFuture.completedFuture(Task.currentOrNull());
        }

        @Async
        public CompletableFuture<Task<?>> async() {
            return CompletableFuture.completedFuture(Task.currentOrNull());
        }
    }
}
