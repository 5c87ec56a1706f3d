package io.dualhub.chaos.drills;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.chaos.harness.FreePorts;
import io.dualhub.chaos.harness.OsProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/install-edge.sh --root DIR}: the staged tree, the hardened unit (checked by
 * {@code systemd-analyze verify} where it exists), a config the agent really starts with, an upgrade that keeps the
 * config, and an uninstall that keeps configuration and data unless purged.
 */
class InstallEdgeScriptTest {
    @TempDir
    Path dir;

    private int run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(HubProcess.home().resolve("deploy/install-edge.sh").toString()));
        cmd.addAll(List.of(args));
        OsProcess p = OsProcess.start("install-edge", cmd, dir.resolve("install.log"));
        assertThat(p.awaitExit(Duration.ofSeconds(60))).isTrue();
        return p.exitValue();
    }

    @Test
    void stagesUpgradesAndUninstalls() throws Exception {
        Path root = dir.resolve("root");
        String jar = HubProcess.home().resolve("edge-hub/target/dualhub-edge.jar").toString();
        assertThat(run("--root", root.toString(), "--id", "web-3", "--nats", "nats://a:4222,nats://b:4222",
                "--jar", jar)).isZero();

        Path unit = root.resolve("etc/systemd/system/dualhub-edge.service");
        Path config = root.resolve("etc/dualhub/edge.yml");
        assertThat(root.resolve("opt/dualhub/dualhub-edge.jar")).isRegularFile();
        assertThat(root.resolve("var/lib/dualhub/edge")).isDirectory();
        assertThat(Files.readString(unit)).contains("User=dualhub", "Restart=always", "NoNewPrivileges=yes",
                "ProtectSystem=strict", "ReadWritePaths=/var/lib/dualhub/edge", "MemoryMax=256M",
                "@/opt/dualhub/edge.jvm.options");
        assertThat(Files.readString(root.resolve("opt/dualhub/edge.jvm.options")))
                .contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "-Dchronicle.analytics.disable=true", "-Xmx64m");
        assertThat(Files.readString(config)).contains("id: web-3", "- nats://a:4222", "- nats://b:4222");
        if (Files.isExecutable(Path.of("/usr/bin/systemd-analyze"))) {
            OsProcess verify = OsProcess.start("systemd-analyze", List.of("/usr/bin/systemd-analyze", "verify",
                    unit.toString()), dir.resolve("verify.log"));
            assertThat(verify.awaitExit(Duration.ofSeconds(30))).isTrue();
            assertThat(verify.exitValue()).as("systemd-analyze verify: %s", Files.readString(dir.resolve("verify.log")))
                    .isZero();
        }

        int port = FreePorts.next();
        HubProcess agent = HubProcess.edge(HubProcess.home(), "staged-edge", List.of("--config", config.toString(),
                "--data", dir.resolve("data").toString(), "--port", Integer.toString(port), "--nats",
                "nats://127.0.0.1:1"), dir.resolve("edge.log"), port);
        try {
            agent.start();
        } finally {
            agent.stop();
        }

        Files.writeString(config, Files.readString(config) + "# edited by the operator\n");
        assertThat(run("--root", root.toString(), "--nats", "nats://c:4222", "--jar", jar)).isZero();
        assertThat(Files.readString(config)).as("an upgrade keeps the configuration")
                .contains("# edited by the operator").doesNotContain("nats://c:4222");

        assertThat(run("--root", root.toString(), "--id", "web.3", "--nats", "nats://a:4222", "--jar", jar))
                .as("an invalid id is refused").isNotZero();
        assertThat(Files.readString(dir.resolve("install.log"))).contains("--id 'web.3' is not a valid edge id");

        Files.writeString(root.resolve("var/lib/dualhub/edge/marker"), "data");
        assertThat(run("--root", root.toString(), "--uninstall")).isZero();
        assertThat(unit).doesNotExist();
        assertThat(root.resolve("opt/dualhub/dualhub-edge.jar")).doesNotExist();
        assertThat(config).as("configuration kept").exists();
        assertThat(root.resolve("var/lib/dualhub/edge/marker")).as("data kept").exists();

        assertThat(run("--root", root.toString(), "--uninstall", "--purge")).isZero();
        assertThat(config).doesNotExist();
        assertThat(root.resolve("var/lib/dualhub/edge")).doesNotExist();
    }
}
