package io.asynkit.spring.eager;

import org.springframework.aop.ClassFilter;
import org.springframework.aop.MethodMatcher;
import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.StaticMethodMatcher;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;

/** Which methods {@link Eager} covers, and which of them are valid. Shared by the pointcut and the start-up check. */
final class EagerMethods {

    static final String ALLOWED = "CompletableFuture, CompletionStage, Future or void";

    private EagerMethods() {
    }

    /** What an {@code @Eager} method may return, and what the caller then gets. */
    enum ReturnKind {
        /** Fire-and-forget; exceptions go to the uncaught-exception handler. */
        VOID,
        /** CompletableFuture, CompletionStage or Future: the caller gets a CompletableFuture. */
        FUTURE;

        /** The kind for a declared return type, or null if {@code @Eager} cannot serve it. */
        static ReturnKind of(Class<?> returnType) {
            if (returnType == void.class) {
                return VOID;
            }
            if (returnType == CompletableFuture.class || returnType == CompletionStage.class
                    || returnType == Future.class) {
                return FUTURE;
            }
            return null;
        }
    }

    /**
     * The pointcut: {@code @Eager} on the method (or a method it overrides), or on the class for the
     * public methods that class-level {@code @Eager} covers (see {@link #coveredByClassAnnotation}).
     */
    static Pointcut pointcut() {
        Pointcut classLevel = new ComposablePointcut(new AnnotationMatchingPointcut(Eager.class, true))
                .intersection(new ClassLevelMethods());
        Pointcut methodLevel = new AnnotationMatchingPointcut(null, Eager.class, true);
        return new ComposablePointcut(classLevel).union(methodLevel);
    }

    /**
     * Class-level {@code @Eager} covers a public, non-static method whose declaring class is (or
     * inherits being) {@code @Eager}, unless it is one of {@link Object}'s methods (also when
     * overridden: an eager {@code toString()} makes no sense).
     */
    static boolean coveredByClassAnnotation(Method method) {
        int modifiers = method.getModifiers();
        return Modifier.isPublic(modifiers) && !Modifier.isStatic(modifiers) && !method.isSynthetic()
                && !overridesObjectMethod(method)
                && AnnotatedElementUtils.hasAnnotation(method.getDeclaringClass(), Eager.class);
    }

    private static boolean overridesObjectMethod(Method method) {
        if (method.getDeclaringClass() == Object.class) {
            return true;
        }
        try {
            Object.class.getDeclaredMethod(method.getName(), method.getParameterTypes());
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /**
     * The methods of {@code targetClass} the pointcut covers that {@code @Eager} cannot serve, each
     * described for the start-up error; empty if all is well.
     */
    static List<String> problems(Pointcut pointcut, Class<?> targetClass) {
        ClassFilter classFilter = pointcut.getClassFilter();
        MethodMatcher methodMatcher = pointcut.getMethodMatcher();
        List<String> problems = new ArrayList<>();
        for (Method method : ReflectionUtils.getUniqueDeclaredMethods(targetClass,
                m -> !m.isBridge() && !m.isSynthetic() && m.getDeclaringClass() != Object.class)) {
            boolean annotated = AnnotatedElementUtils.hasAnnotation(method, Eager.class);
            boolean covered = classFilter.matches(targetClass) && methodMatcher.matches(method, targetClass);
            if (!covered && !annotated) {
                continue;
            }
            int modifiers = method.getModifiers();
            if (Modifier.isPrivate(modifiers) || Modifier.isStatic(modifiers)) {
                problems.add(describe(method) + " is " + (Modifier.isPrivate(modifiers) ? "private" : "static")
                        + ": a proxy never intercepts it, so @Eager would silently do nothing");
            } else if (ReturnKind.of(method.getReturnType()) == null) {
                problems.add(describe(method) + " returns " + method.getGenericReturnType().getTypeName()
                        + (annotated ? "" : " (covered by @Eager on the class)"));
            }
        }
        return problems;
    }

    /** {@code Type.method(ParamType, ...)}, with simple names. */
    static String describe(Method method) {
        StringBuilder text = new StringBuilder(ClassUtils.getShortName(method.getDeclaringClass()))
                .append('.').append(method.getName()).append('(');
        Class<?>[] parameters = method.getParameterTypes();
        for (int i = 0; i < parameters.length; i++) {
            text.append(i > 0 ? ", " : "").append(parameters[i].getSimpleName());
        }
        return text.append(')').toString();
    }

    /** The method matcher for class-level {@code @Eager}. */
    private static final class ClassLevelMethods extends StaticMethodMatcher {

        @Override
        public boolean matches(Method method, Class<?> targetClass) {
            return coveredByClassAnnotation(AopUtils.getMostSpecificMethod(method, targetClass));
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof ClassLevelMethods;
        }

        @Override
        public int hashCode() {
            return ClassLevelMethods.class.hashCode();
        }

        @Override
        public String toString() {
            return "public methods declared by an @Eager class";
        }
    }
}
