package io.asynkit.loop;

/**
 * Thrown when a loop needs the JDK's virtual-thread scheduler hook and this JVM does not allow it.
 * The message names the missing JVM option ({@code --add-opens java.base/java.lang=ALL-UNNAMED}) and
 * where to put it.
 */
public class HookUnavailableException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public HookUnavailableException(String message) {
        super(message);
    }
}
