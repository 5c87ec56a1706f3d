package io.dualhub.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The hubs' jars of an earlier commit, for upgrade and rollback drills: the commit's tree is exported from this
 * repository's history ({@code git archive}, which leaves the repository as it is) into
 * {@code target/releases/<commit>} and built there once ({@code mvn package} of the hubs and the modules they need,
 * tests neither compiled nor run, with the local Maven
 * repository this build filled); later runs reuse it. {@link HubProcess#from} runs a hub from it.
 */
public final class OldRelease {
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(10);

    private OldRelease() {}

    /**
     * Whether this checkout's history holds {@code commit}: not in a shallow clone (CI systems often fetch only the
     * newest commit), where an upgrade drill cannot run and says so.
     */
    public static boolean inHistory(String commit) {
        try {
            Process p = new ProcessBuilder(
                            "git", "-C", HubProcess.home().toString(), "cat-file", "-e", commit + "^{commit}")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The home of the built release of {@code commit} (a repository checkout with the hubs' jars built). */
    public static Path of(String commit) {
        Path home = HubProcess.home();
        Path release = home.resolve("target/releases").resolve(commit);
        if (Files.isRegularFile(release.resolve("central-hub/target/dualhub-central.jar"))
                && Files.isRegularFile(release.resolve("edge-hub/target/dualhub-edge.jar"))) {
            return release;
        }
        try {
            NatsFixture.deleteTree(release);
            Files.createDirectories(release);
            run(
                    release.getParent(),
                    "export-" + commit,
                    "the drill needs this repository's history (a shallow clone"
                            + " lacks older commits: git fetch --unshallow)",
                    List.of(
                            "bash",
                            "-c",
                            "set -o pipefail; git -C \"$0\" archive \"$1\" | tar -x -C \"$2\"",
                            home.toString(),
                            commit,
                            release.toString()));
            run(
                    release.getParent(),
                    "build-" + commit,
                    "its build failed",
                    List.of(
                            "mvn",
                            "-B",
                            "-q",
                            "-Dmaven.test.skip=true", // its tests are neither run nor compiled
                            "package",
                            "-f",
                            release.resolve("pom.xml").toString(),
                            "-pl",
                            "common,edge-hub,central-hub",
                            // with the modules they depend on, test scope included (resolved even when skipped): a
                            // fresh machine's Maven repository holds no module of an earlier layout (chaos/harness)
                            "-am"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare release " + commit + " in " + release, e);
        }
        return release;
    }

    private static void run(Path dir, String what, String hint, List<String> command) {
        OsProcess p = OsProcess.start(what, command, dir.resolve(what + ".log"));
        boolean exited = p.awaitExit(BUILD_TIMEOUT);
        if (!exited) {
            p.kill9();
        }
        if (!exited || p.exitValue() != 0) {
            throw new IllegalStateException(what + " failed (" + hint + "): " + p.logTail(20));
        }
    }
}
