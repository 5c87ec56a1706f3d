package io.dualhub.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualhub.common.MetricsRoute;
import io.dualhub.common.Partition;
import io.dualhub.common.Subjects;
import io.dualhub.common.cli.Cli;
import io.dualhub.testkit.CliRun;
import io.dualhub.testkit.NatsFixture;
import io.nats.client.Connection;
import io.nats.client.JetStreamOptions;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files `nats-user` keeps (the server's acceptance of them is NatsPermissionsDrillTest). */
class NatsUsersTest {
    @TempDir
    Path dir;

    /** {@code nats-user ROLE NAME} in this test's directory, the seed going to {@code seed} there. */
    private CliRun add(String role, String name, String seed) {
        return run(
                role, name, "--dir", dir.toString(), "--seed", dir.resolve(seed).toString());
    }

    private static CliRun run(String... args) {
        return CliRun.of(new NatsUserCommand(new PrintStream(new ByteArrayOutputStream())), args);
    }

    @Test
    void theSeedIsPrivateTheServerGetsOnlyThePublicKeyAndRemovingRewrites() throws Exception {
        Path seed = dir.resolve("web-3.nk");
        assertThat(run("edge", "web-3", "--dir", dir.toString(), "--seed", seed.toString())
                        .status())
                .isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(seed)))
                .isEqualTo("rw-------");
        String accounts = Files.readString(dir.resolve("accounts.conf"));
        String publicKey =
                Files.readString(dir.resolve("dualhub-users/edge-web-3.pub")).strip();
        assertThat(accounts)
                .contains("\"nkey\":\"" + publicKey + "\"")
                .contains("\"dualhub.metrics.web-3\"")
                .contains("\"_INBOX.web-3.>\"")
                .doesNotContain(Files.readString(seed).strip());
        assertThat(Files.readString(dir.resolve("accounts-values.yaml")))
                .as("the same account for the Helm chart")
                .contains(publicKey, "\"dualhub.events.web-3.>\"")
                .doesNotContain(Files.readString(seed).strip());
        CliRun again = add("edge", "web-3", "b");
        assertThat(again.status()).isEqualTo(Cli.REFUSED);
        assertThat(again.err()).hasLineCount(1).contains("edge web-3 exists");
        assertThat(run("edge", "web-3", "--dir", dir.toString(), "--remove").status())
                .isZero();
        assertThat(Files.readString(dir.resolve("accounts.conf"))).doesNotContain(publicKey);
    }

    /**
     * In an account a server-level mapping does not apply, and nats-user writes accounts.conf whole: so the mapping
     * that splits the edges over CentralHub groups is written into the account, kept for later runs, with each edge
     * user allowed the subject its batches are mapped to (the server checks the mapped subject); a real nats-server
     * then stores each edge user's batches under its group's subject.
     */
    @Test
    void partitionsAreMappedInsideTheAccountAndARealServerAppliesThem() throws Exception {
        assertThat(add("central", "hub", "hub.nk").status()).isZero();
        List<String> edges = List.of("edge-a", "edge-b", "edge-c", "edge-d");
        for (String edge : edges) {
            assertThat(add("edge", edge, edge + ".nk").status()).isZero();
        }
        // a site that already has its users splits its edges: every user's permissions are written again
        assertThat(run("--partitions", "2", "--dir", dir.toString()).status()).isZero();
        assertThat(edges.stream().map(e -> Partition.of(e, 2)).distinct())
                .as("both groups get edges")
                .hasSize(2);
        assertThat(Files.readString(dir.resolve("accounts-values.yaml"))).contains("{{partition(2,1)}}");

        Path conf = Files.writeString(dir.resolve("server.conf"), "include ./accounts.conf\n");
        NatsFixture nats = NatsFixture.single("-c", conf.toString());
        nats.start();
        try (Connection hub = connect(nats, "hub", "_INBOX")) {
            hub.jetStreamManagement()
                    .addStream(StreamConfiguration.builder()
                            .name("PARTITIONED")
                            .subjects(MetricsRoute.PRIMARY.wildcard())
                            .storageType(StorageType.Memory)
                            .build());
            for (String edge : edges) {
                try (Connection asEdge = connect(nats, edge, Subjects.edgeInbox(edge))) {
                    asEdge.jetStream().publish(Subjects.metrics(edge), new byte[] {1});
                    String other = edges.get((edges.indexOf(edge) + 1) % edges.size());
                    assertThatThrownBy(() -> asEdge.jetStream(JetStreamOptions.builder()
                                            .requestTimeout(Duration.ofSeconds(1))
                                            .build())
                                    .publish(Subjects.metrics(other), new byte[] {2}))
                            .as("%s may not publish as %s, mapped or not", edge, other)
                            .isInstanceOf(IOException.class);
                }
                String mapped = MetricsRoute.PRIMARY.partitionSubject(Partition.of(edge, 2), edge);
                assertThat(hub.jetStreamManagement()
                                .getLastMessage("PARTITIONED", mapped)
                                .getSubject())
                        .as("%s stored under its group's subject", edge)
                        .isEqualTo(mapped);
            }
        } finally {
            nats.close();
        }

        assertThat(run("--partitions", "1", "--dir", dir.toString()).status()).isZero();
        assertThat(Files.readString(dir.resolve("accounts.conf")))
                .as("one group: no mapping")
                .doesNotContain("mappings")
                .contains("hub");
        assertThat(run("--partitions", "0", "--dir", dir.toString()).err())
                .hasLineCount(1)
                .contains("--partitions 0 is not from 1 to 1000");
    }

    @Test
    void aRefusedUserStepOrASpoiledPartitionsFileChangesNothing() throws Exception {
        assertThat(add("edge", "web-3", "a.nk").status()).isZero();
        String before = Files.readString(dir.resolve("accounts.conf"));
        CliRun exists = run(
                "--partitions",
                "2",
                "edge",
                "web-3",
                "--dir",
                dir.toString(),
                "--seed",
                dir.resolve("b.nk").toString());
        assertThat(exists.status()).isEqualTo(Cli.REFUSED);
        assertThat(exists.err()).hasLineCount(1).contains("edge web-3 exists");
        assertThat(Files.readString(dir.resolve("accounts.conf")))
                .as("the refused user step left the partitions alone")
                .isEqualTo(before);
        CliRun removeAlone = run("--partitions", "2", "--remove", "--dir", dir.toString());
        assertThat(removeAlone.status()).isEqualTo(Cli.USAGE);
        assertThat(removeAlone.err()).hasLineCount(1).contains("--remove needs edge|central NAME");

        Files.writeString(dir.resolve("dualhub-users/partitions"), "two\n");
        CliRun spoiled = add("edge", "web-4", "c.nk");
        assertThat(spoiled.status()).isEqualTo(Cli.REFUSED);
        assertThat(spoiled.err())
                .hasLineCount(1)
                .contains("dualhub-users/partitions holds 'two'", "run nats-user --partitions N again");
        assertThat(dir.resolve("c.nk")).as("no key made").doesNotExist();
        assertThat(run("--partitions", "2", "--dir", dir.toString()).status()).isZero();
        assertThat(add("edge", "web-4", "c.nk").status()).isZero();
    }

    private Connection connect(NatsFixture nats, String user, String inboxPrefix) throws Exception {
        String seed = Files.readString(dir.resolve(user + ".nk")).strip();
        return Nats.connect(new Options.Builder()
                .server(nats.urls())
                .authHandler(Nats.staticCredentials(null, seed.toCharArray()))
                .inboxPrefix(inboxPrefix)
                .build());
    }

    @Test
    void badUsageIsExitTwo() {
        assertThat(run("edge").status()).isEqualTo(Cli.USAGE);
        assertThat(run("edge").err()).hasLineCount(1).contains("NAME");
        assertThat(run("admin", "x").err()).hasLineCount(1).contains("'admin' is not a role");
        assertThat(run("admin", "x").status()).isEqualTo(Cli.USAGE);
        assertThat(run("edge", "web.3").status()).isEqualTo(Cli.USAGE);
        assertThat(run("edge", "web.3").err()).hasLineCount(1).contains("'web.3'");
        CliRun.assertStandardFlags(NatsUserCommand::new, "--seed", "edge", "web-3");
    }
}
