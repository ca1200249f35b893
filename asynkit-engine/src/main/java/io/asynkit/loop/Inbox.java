package io.asynkit.loop;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Tasks handed to a queue by threads that do not take its lock: a Treiber stack linked through
 * {@link Task#nextInInbox}, drained under the queue's lock in the order of the pushes. A push is one
 * compare-and-set; the link and the task's other push fields are written before it, so the drain sees them.
 */
final class Inbox {

    private static final VarHandle HEAD;

    static {
        try {
            HEAD = MethodHandles.lookup().findVarHandle(Inbox.class, "head", Task.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile Task<?> head;

    /** Pushes {@code task}; its push fields are written already. */
    void push(Task<?> task) {
        Task<?> h;
        do {
            h = head;
            task.nextInInbox = h;
        } while (!HEAD.compareAndSet(this, h, task));
    }

    boolean isEmpty() {
        return head == null;
    }

    /** Takes every task pushed so far, oldest first, linked through {@link Task#nextInInbox}. */
    Task<?> drain() {
        Task<?> stack = (Task<?>) HEAD.getAndSet(this, null);
        Task<?> fifo = null;
        while (stack != null) {
            Task<?> next = stack.nextInInbox;
            stack.nextInInbox = fifo;
            fifo = stack;
            stack = next;
        }
        return fifo;
    }
}
