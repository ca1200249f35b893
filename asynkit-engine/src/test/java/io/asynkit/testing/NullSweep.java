package io.asynkit.testing;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * Calls public methods (and optionally constructors) with {@code null} for every object argument
 * (zero for primitives) and records each that does not refuse clearly: a {@link NullPointerException}
 * naming what was null (not the JVM's "Cannot invoke ..." from deeper inside), or an
 * {@link IllegalStateException}/{@link IllegalArgumentException} saying why. Shared by the engine's and
 * the starter's null sweeps (the engine's test jar).
 *
 * <pre>{@code
 * NullSweep sweep = new NullSweep().sweep(Loop.class, loop, false);
 * assertThat(sweep.problems()).isEmpty();
 * }</pre>
 */
public final class NullSweep {

    private final List<String> problems = new ArrayList<>();
    private int calls;

    /**
     * Sweeps the public members of {@code type} that take an object. Instance methods are called on
     * {@code receiver}, and skipped when it is null.
     */
    public NullSweep sweep(Class<?> type, Object receiver, boolean constructors) throws ReflectiveOperationException {
        List<Executable> members = new ArrayList<>(List.of(type.getDeclaredMethods()));
        if (constructors) {
            members.addAll(List.of(type.getConstructors()));
        }
        for (Executable member : members) {
            boolean isStatic = Modifier.isStatic(member.getModifiers());
            if (!Modifier.isPublic(member.getModifiers()) || member.isSynthetic() || !takesAnObject(member)
                    || (!isStatic && member instanceof Method && receiver == null) || isEquals(member)) {
                continue;
            }
            calls++;
            try {
                if (member instanceof Constructor<?> constructor) {
                    constructor.newInstance(nullsAndZeros(member));
                } else {
                    ((Method) member).invoke(isStatic ? null : receiver, nullsAndZeros(member));
                }
                problems.add(member + ": accepted nulls without complaint");
            } catch (InvocationTargetException e) {
                Throwable thrown = e.getCause();
                boolean clear = (thrown instanceof NullPointerException && thrown.getMessage() != null
                        && !thrown.getMessage().startsWith("Cannot invoke"))
                        || thrown instanceof IllegalStateException || thrown instanceof IllegalArgumentException;
                if (!clear) {
                    problems.add(member + ": " + thrown);
                }
            }
        }
        return this;
    }

    /** The members that did not refuse null clearly, with what they did. */
    public List<String> problems() {
        return problems;
    }

    /** How many members were called. */
    public int calls() {
        return calls;
    }

    /** {@code equals(Object)}, whose contract is to answer false for null. */
    private static boolean isEquals(Executable member) {
        return member instanceof Method && member.getName().equals("equals")
                && List.of(member.getParameterTypes()).equals(List.of(Object.class));
    }

    private static boolean takesAnObject(Executable member) {
        for (Class<?> type : member.getParameterTypes()) {
            if (!type.isPrimitive()) {
                return true;
            }
        }
        return false;
    }

    private static Object[] nullsAndZeros(Executable member) {
        Class<?>[] types = member.getParameterTypes();
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            Class<?> t = types[i];
            if (t == boolean.class) {
                args[i] = false;
            } else if (t == int.class) {
                args[i] = 0;
            } else if (t == long.class) {
                args[i] = 0L;
            } else if (t == double.class) {
                args[i] = 0.0;
            } else if (t.isPrimitive()) {
                args[i] = 0;
            }
        }
        return args;
    }
}
