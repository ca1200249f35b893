package io.asynkit.coro;

/**
 * Thrown to whoever awaits a coroutine through a {@link Monitor} when the coroutine sends
 * out-of-band data with {@link Monitor#oob}. The coroutine is suspended until it is awaited again.
 */
public class OOBData extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient Object data;

    public OOBData(Object data) {
        super(null, null, false, false); // no stack trace: this is control flow, thrown once per value
        this.data = data;
    }

    /** Built on demand: the data's {@code toString()} runs only if someone asks (and may not fail the send). */
    @Override
    public String getMessage() {
        return "out-of-band data: " + describe(data);
    }

    /** {@code data} for a message, even if its {@code toString()} fails. */
    static String describe(Object data) {
        try {
            return String.valueOf(data);
        } catch (RuntimeException e) {
            return "a " + data.getClass().getName() + " (its toString() failed: " + e + ")";
        }
    }

    /** The data the coroutine sent. */
    public Object data() {
        return data;
    }
}
