package io.asynkit.coro;

/**
 * Thrown to whoever awaits a coroutine through a {@link Monitor} when the coroutine sends
 * out-of-band data with {@link Monitor#oob}. The coroutine is suspended until it is awaited again.
 */
public class OOBData extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient Object data;

    public OOBData(Object data) {
        super("out-of-band data: " + data, null, false, false);
        this.data = data;
    }

    /** The data the coroutine sent. */
    public Object data() {
        return data;
    }
}
