package io.dualhub.cli;

import io.dualhub.common.EdgeId;
import io.dualhub.common.Partition;
import io.dualhub.common.cli.UsageException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./dualhub nats-user edge|central NAME}: makes (or with {@code --remove} removes) the NKey user of an edge or a
 * CentralHub in the NATS servers' {@code accounts.conf} ({@link NatsUsers}), and says where its seed went.
 * {@code --partitions N} (alone, or with a user) splits the edges over N CentralHub groups with the account's subject
 * mapping.
 */
@Command(
        name = "nats-user",
        description = "Make an NKey user for an edge (kept to its own subjects) or a CentralHub and rewrite the NATS"
                + " servers' accounts.conf.")
public final class NatsUserCommand implements Callable<Integer> {
    private static final List<String> ROLES = List.of("edge", "central");

    @Parameters(index = "0", arity = "0..1", paramLabel = "edge|central", description = "whose user it is")
    String role;

    @Parameters(
            index = "1",
            arity = "0..1",
            paramLabel = "NAME",
            description = "the edge's id or the CentralHub's instance")
    String name;

    @Option(
            names = "--partitions",
            paramLabel = "N",
            description = "split the edges over N CentralHub groups (central.partitions; 1 to " + Partition.MAX_COUNT
                    + ", 1: no split); kept for every later run")
    Integer partitions;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "/etc/nats", description = "where accounts.conf is")
    Path dir;

    @Option(names = "--seed", paramLabel = "FILE", description = "where the seed goes (default ./ROLE-NAME.nk)")
    Path seed;

    @Option(names = "--remove", description = "remove the user instead")
    boolean remove;

    private final PrintStream out;

    public NatsUserCommand() {
        this(System.out);
    }

    public NatsUserCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws IOException, GeneralSecurityException {
        boolean aUser = role != null || name != null;
        if (partitions != null && !Partition.isCount(partitions)) {
            throw new UsageException("--partitions " + partitions + " is not from 1 to " + Partition.MAX_COUNT);
        }
        if (aUser || partitions == null) {
            if (role == null || name == null) {
                throw new UsageException("give edge|central NAME, or --partitions N alone");
            }
            if (!ROLES.contains(role)) {
                throw new UsageException("'" + role + "' is not a role: edge or central");
            }
            if (!EdgeId.isValid(name)) {
                throw new UsageException("NAME '" + name + "' is not [A-Za-z0-9_-]{1,64}");
            }
        } else if (remove || seed != null) {
            throw new UsageException((remove ? "--remove" : "--seed") + " needs edge|central NAME");
        }
        NatsUsers users = new NatsUsers(dir);
        if (aUser) {
            userStep(users); // first: when it is refused, nothing of --partitions is written
        }
        if (partitions != null) {
            users.setPartitions(partitions);
            out.println((partitions == 1
                            ? "the account maps no edges to groups"
                            : "the account splits the edges"
                                    + " over " + partitions + " CentralHub groups (give each hub central.partitions: "
                                    + partitions + " and its central.partition)")
                    + "; rewrote " + dir.resolve(NatsUsers.ACCOUNTS_FILE) + ": copy it to every NATS node and run"
                    + " nats-server --signal reload");
        }
        return 0;
    }

    private void userStep(NatsUsers users) throws IOException, GeneralSecurityException {
        if (remove) {
            users.remove(role, name);
            out.println("removed " + role + " " + name + "; rewrote " + dir.resolve(NatsUsers.ACCOUNTS_FILE)
                    + "; apply with: nats-server --signal reload");
            return;
        }
        Path seedFile = seed != null ? seed : Path.of(role + "-" + name + ".nk");
        String publicKey = users.add(role, name, seedFile);
        out.println("made " + role + " user " + name + " (" + publicKey + ")\n  seed: " + seedFile.toAbsolutePath()
                + " (mode 600): copy it to the " + (role.equals("edge") ? "edge" : "CentralHub")
                + " as /etc/dualhub/nats.nk and set nats.nkey:"
                + " file:/etc/dualhub/nats.nk\n  servers: copy " + dir.resolve(NatsUsers.ACCOUNTS_FILE)
                + " to every NATS node and run nats-server --signal reload");
    }
}
