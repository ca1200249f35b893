package io.asynkit.loop;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Threads the JDK starts lazily for itself (the socket pollers among them) are never adopted by the loop
 * whose task happened to trigger them: they belong to the JVM and outlive every loop.
 *
 * <p>Needs a fresh JVM, since the pollers start once per JVM, at its first blocking socket read on a
 * virtual thread: {@link #main} runs in a child process.
 */
class JdkInternalThreadsTest {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void theFirstSocketReadOfAJvmInsideATaskLeavesThePollersToTheJvm() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), JdkInternalThreadsTest.class.getName()));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        Thread reader = Thread.ofPlatform().start(() -> {
            try (BufferedReader in = child.inputReader(StandardCharsets.UTF_8)) {
                in.lines().forEach(line -> output.append(line).append('\n'));
            } catch (IOException e) {
                output.append("reading the child's output failed: ").append(e);
            }
        });
        boolean ended = child.waitFor(90, TimeUnit.SECONDS);
        if (!ended) {
            child.destroyForcibly();
        }
        reader.join(Duration.ofSeconds(10));
        assertThat(ended).as("the child JVM ended within 90 s; its output:%n%s", output).isTrue();
        assertThat(child.exitValue()).as("the child's exit code; its output:%n%s", output).isZero();
        assertThat(output.toString())
                .contains("read in a task: hello")
                .contains("adopted threads: 0")
                .contains("live tasks before close: 0")
                .contains("read on a plain virtual thread after close: hello")
                .contains("read in a task of a new loop: hello");
    }

    /** The child JVM: exit code 0 when every read returned, 1 otherwise. */
    public static void main(String[] args) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform().daemon().start(() -> serve(server));
            int port = server.getLocalPort();

            Loop loop = Loop.builder().name("first-read").shutdownTimeout(Duration.ofSeconds(5))
                    .cancelTimeout(Duration.ofSeconds(1)).build();
            System.out.println("read in a task: " + loop.submit(() -> readLine(port)).get(20, TimeUnit.SECONDS));
            System.out.println("adopted threads: " + loop.statistics().adoptedThreads());
            System.out.println("live tasks before close: " + loop.allTasks().size());
            long start = System.nanoTime();
            loop.close();
            System.out.println("close took " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");

            AtomicReference<String> plain = new AtomicReference<>();
            Thread virtual = Thread.ofVirtual().start(() -> plain.set(readLineQuietly(port)));
            if (!virtual.join(Duration.ofSeconds(20))) {
                System.out.println("a plain virtual thread's socket read hangs after the loop closed");
                System.exit(1);
            }
            System.out.println("read on a plain virtual thread after close: " + plain.get());

            try (Loop second = Loop.builder().name("second").build()) {
                System.out.println("read in a task of a new loop: "
                        + second.submit(() -> readLine(port)).get(20, TimeUnit.SECONDS));
            }
        } catch (Exception e) {
            e.printStackTrace(System.out);
            System.exit(1);
        }
        System.exit(0);
    }

    /** Accepts connections; answers each after a pause, so that the reader parks first. */
    private static void serve(ServerSocket server) {
        while (true) {
            try {
                Socket socket = server.accept();
                Thread.ofPlatform().daemon().start(() -> {
                    try (socket; OutputStream out = socket.getOutputStream()) {
                        Thread.sleep(200);
                        out.write("hello\n".getBytes(StandardCharsets.UTF_8));
                    } catch (Exception ignored) {
                        // the reader went away
                    }
                });
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static String readLine(int port) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.UTF_8))) {
            return in.readLine();
        }
    }

    private static String readLineQuietly(int port) {
        try {
            return readLine(port);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
