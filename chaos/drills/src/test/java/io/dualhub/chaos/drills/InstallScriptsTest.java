package io.dualhub.chaos.drills;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.OsProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code deploy/install-edge.sh} and {@code deploy/install-central.sh} with {@code --root DIR}: the staged tree, the
 * hardened unit (checked by {@code systemd-analyze verify} where it exists), a config the hub really starts with, an
 * upgrade that keeps the config, and an uninstall that keeps configuration and data unless purged.
 */
class InstallScriptsTest {
    @TempDir
    Path dir;

    private int run(String role, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                HubProcess.home().resolve("deploy/install-" + role + ".sh").toString()));
        cmd.addAll(List.of(args));
        OsProcess p = OsProcess.start("install-" + role, cmd, dir.resolve("install.log"));
        assertThat(p.awaitExit(Duration.ofSeconds(60))).isTrue();
        return p.exitValue();
    }

    @ParameterizedTest
    @CsvSource({
        "edge, --id, web-3, id: web-3, MemoryMax=256M, -Xmx64m",
        "central, --instance, hub-a, instance: hub-a, MemoryMax=2G, -Xmx512m"
    })
    void stagesUpgradesAndUninstalls(
            String role, String nameFlag, String name, String nameLine, String memoryMax, String heap)
            throws Exception {
        Path root = dir.resolve("root");
        String jar = HubProcess.home()
                .resolve(role + "-hub/target/dualhub-" + role + ".jar")
                .toString();
        assertThat(run(
                        role,
                        "--root",
                        root.toString(),
                        nameFlag,
                        name,
                        "--nats",
                        "nats://a:4222,nats://b:4222",
                        "--jar",
                        jar))
                .isZero();

        Path unit = root.resolve("etc/systemd/system/dualhub-" + role + ".service");
        Path config = root.resolve("etc/dualhub/" + role + ".yml");
        Path data = root.resolve("var/lib/dualhub/" + role);
        assertThat(root.resolve("opt/dualhub/dualhub-" + role + ".jar")).isRegularFile();
        assertThat(root.resolve("opt/dualhub/dualhub-cli.jar"))
                .as("the operator commands, built before the drills")
                .isRegularFile();
        assertThat(data).isDirectory();
        assertThat(Files.readString(unit))
                .contains(
                        "User=dualhub",
                        "Restart=always",
                        "NoNewPrivileges=yes",
                        "ProtectSystem=strict",
                        "ReadWritePaths=/var/lib/dualhub/" + role,
                        memoryMax,
                        "@/opt/dualhub/" + role + ".jvm.options");
        assertThat(Files.readString(root.resolve("opt/dualhub/" + role + ".jvm.options")))
                .contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "-Dchronicle.analytics.disable=true", heap);
        assertThat(Files.readAllLines(root.resolve("opt/dualhub/" + role + ".jvm.options")))
                .as("the heap flags the drills and the soak run this role with")
                .containsAll(role.equals("edge") ? HubProcess.INSTALLED_EDGE_HEAP : HubProcess.INSTALLED_CENTRAL_HEAP);
        assertThat(Files.readString(config)).contains(nameLine, "- nats://a:4222", "- nats://b:4222");
        verifyUnit(unit);
        HubProcess.startsOn(role, config, dir);

        Files.writeString(config, Files.readString(config) + "# edited by the operator\n");
        assertThat(run(role, "--root", root.toString(), "--nats", "nats://c:4222", "--jar", jar))
                .isZero();
        assertThat(Files.readString(config))
                .as("an upgrade keeps the configuration")
                .contains("# edited by the operator")
                .doesNotContain("nats://c:4222");

        assertThat(run(
                        role,
                        "--root",
                        dir.resolve("other").toString(),
                        nameFlag,
                        "web.3",
                        "--nats",
                        "nats://a:4222",
                        "--jar",
                        jar))
                .as("an invalid name is refused")
                .isNotZero();
        assertThat(Files.readString(dir.resolve("install.log"))).contains(nameFlag + " 'web.3' is not a valid name");

        Files.writeString(data.resolve("marker"), "data");
        assertThat(run(role, "--root", root.toString(), "--uninstall")).isZero();
        assertThat(unit).doesNotExist();
        assertThat(root.resolve("opt/dualhub/dualhub-" + role + ".jar")).doesNotExist();
        assertThat(root.resolve("opt/dualhub/dualhub-cli.jar"))
                .as("no hub left to run it for")
                .doesNotExist();
        assertThat(config).as("configuration kept").exists();
        assertThat(data.resolve("marker")).as("data kept").exists();

        assertThat(run(role, "--root", root.toString(), "--uninstall", "--purge"))
                .isZero();
        assertThat(config).doesNotExist();
        assertThat(data).doesNotExist();
    }

    @Test
    void copiesNatsCredentialsBesideTheConfigForTheServiceOnly() throws Exception {
        Path root = dir.resolve("root");
        String jar =
                HubProcess.home().resolve("edge-hub/target/dualhub-edge.jar").toString();
        Path seed = Files.writeString(dir.resolve("web-3.nk"), "SUexample-seed\n");
        Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
        assertThat(run(
                        "edge",
                        "--root",
                        root.toString(),
                        "--id",
                        "web-3",
                        "--nats",
                        "tls://a:4222",
                        "--jar",
                        jar,
                        "--nkey",
                        seed.toString(),
                        "--tls-ca",
                        ca.toString()))
                .isZero();
        Path etc = root.resolve("etc/dualhub");
        assertThat(Files.readString(etc.resolve("edge.yml")))
                .contains("  nkey: file:/etc/dualhub/nats.nk\n", "  tls:\n    ca: /etc/dualhub/nats-ca.pem\n");
        for (String file : List.of("nats.nk", "nats-ca.pem")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(etc.resolve(file))))
                    .as(file)
                    .isEqualTo("rw-r-----");
        }
        assertThat(Files.readString(etc.resolve("nats.nk"))).isEqualTo("SUexample-seed\n");
        assertThat(Files.readString(dir.resolve("install.log"))).doesNotContain("SUexample-seed");

        Path creds = Files.writeString(dir.resolve("hub.creds"), "creds");
        assertThat(run("edge", "--root", root.toString(), "--jar", jar, "--creds", creds.toString()))
                .isZero();
        assertThat(Files.readString(dir.resolve("install.log")))
                .as("an existing config is kept and the key named")
                .contains("does not use it", "  creds: /etc/dualhub/nats.creds");
        assertThat(run(
                        "edge",
                        "--root",
                        root.toString(),
                        "--jar",
                        jar,
                        "--creds",
                        creds.toString(),
                        "--nkey",
                        seed.toString()))
                .isNotZero();
        assertThat(Files.readString(dir.resolve("install.log"))).contains("two ways to authenticate: give one");
        assertThat(run(
                        "edge",
                        "--root",
                        root.toString(),
                        "--jar",
                        jar,
                        "--creds",
                        dir.resolve("none").toString()))
                .isNotZero();
        assertThat(Files.readString(dir.resolve("install.log"))).contains("none cannot be read");
    }

    private void verifyUnit(Path unit) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/systemd-analyze"))) {
            return;
        }
        OsProcess verify = OsProcess.start(
                "systemd-analyze",
                List.of("/usr/bin/systemd-analyze", "verify", unit.toString()),
                dir.resolve("verify.log"));
        assertThat(verify.awaitExit(Duration.ofSeconds(30))).isTrue();
        assertThat(verify.exitValue())
                .as("systemd-analyze verify: %s", Files.readString(dir.resolve("verify.log")))
                .isZero();
    }
}
