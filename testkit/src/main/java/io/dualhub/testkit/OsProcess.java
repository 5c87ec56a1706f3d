package io.dualhub.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One real OS process started by the harness, with its output in a log file, and the faults the drills inject:
 * kill -9, SIGTERM, SIGSTOP and SIGCONT.
 */
public final class OsProcess {
    private final String name;
    private final Process process;
    private final Path log;

    private OsProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    public static OsProcess start(String name, List<String> command, Path log) {
        return start(name, command, log, Map.of());
    }

    /** Starts the command with {@code env} added to this process's environment. */
    public static OsProcess start(String name, List<String> command, Path log, Map<String, String> env) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(env);
            Process p = builder.start();
            return new OsProcess(name, p, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + " (" + command.get(0) + ")", e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    /** The last lines of the log, for an error message that says why the process stopped; empty if unreadable. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }

    /** The exit status; only meaningful once the process has exited. */
    public int exitValue() {
        return process.exitValue();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** kill -9: no shutdown hook, no flush; what was not durable is gone. */
    public void kill9() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(10));
    }

    /** SIGTERM and wait for a clean exit; kill -9 if it does not come within the grace period. */
    public void stop(Duration grace) {
        process.destroy();
        if (!awaitExit(grace)) {
            kill9();
        }
    }

    /** SIGINT, as Ctrl-C in a terminal sends. */
    public void interrupt() {
        signal("INT");
    }

    public void pause() {
        signal("STOP");
    }

    public void resume() {
        signal("CONT");
    }

    private void signal(String sig) {
        try {
            int rc = new ProcessBuilder("kill", "-" + sig, Long.toString(pid()))
                    .inheritIO()
                    .start()
                    .waitFor();
            if (rc != 0) {
                throw new IllegalStateException("kill -" + sig + " " + pid() + " (" + name + ") exited " + rc);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public String toString() {
        return name + "[pid " + pid() + "]";
    }
}
