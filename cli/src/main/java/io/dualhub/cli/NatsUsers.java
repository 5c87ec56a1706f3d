package io.dualhub.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualhub.common.Partition;
import io.dualhub.common.Subjects;
import io.nats.client.NKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The NATS users that {@code ./dualhub nats-user} ({@link NatsUserCommand}) keeps: makes an NKey user for an edge or
 * a CentralHub and rewrites the NATS servers' {@code accounts.conf} from the public keys kept in
 * {@code dualhub-users/}. The servers hold public keys only; the seed is written once, for the hub's
 * {@code nats.nkey}. An edge's user may publish only its own metrics and events and receive only its own commands and
 * replies; a CentralHub's user is unrestricted in the account. With the edges split over CentralHub groups
 * ({@link #partition}), the account holds the servers' subject mapping too: in an account a mapping outside it does
 * not apply, and this file is written whole each time.
 */
final class NatsUsers {
    static final String ACCOUNT = "DUALHUB";
    static final String KEYS_DIR = "dualhub-users";
    static final String ACCOUNTS_FILE = "accounts.conf";
    static final String HELM_VALUES_FILE = "accounts-values.yaml";
    /** In dualhub-users/: the number of CentralHub groups the account's mapping splits the edges over, if over 1. */
    static final String PARTITIONS_FILE = "partitions";

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;

    NatsUsers(Path dir) {
        this.dir = dir;
    }

    /** Makes the user's key pair, writes the seed to {@code seedFile} (mode 600) and rewrites accounts.conf. */
    String add(String role, String name, Path seedFile) throws IOException, GeneralSecurityException {
        int partitions = readPartitions(); // a spoiled file is refused before a key is made
        Path pub = keyFile(role, name);
        if (Files.exists(pub)) {
            throw new IOException(role + " " + name + " exists (" + pub + "): --remove it first to make a new key");
        }
        if (Files.exists(seedFile)) {
            throw new IOException(seedFile + " exists: give another --seed, a seed is never overwritten");
        }
        NKey key = NKey.createUser(new SecureRandom());
        Files.createDirectories(pub.getParent());
        Files.createFile(seedFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(seedFile, new String(key.getSeed()) + "\n");
        String publicKey = new String(key.getPublicKey());
        Files.writeString(pub, publicKey + "\n");
        writeAccounts(partitions);
        return publicKey;
    }

    void remove(String role, String name) throws IOException {
        int partitions = readPartitions();
        if (!Files.deleteIfExists(keyFile(role, name))) {
            throw new IOException("no " + role + " " + name + " in " + dir.resolve(KEYS_DIR));
        }
        writeAccounts(partitions);
    }

    /**
     * Splits the edges over {@code count} CentralHub groups from now on (1: one group, no mapping), kept beside the
     * keys so every later run writes the same mapping, and rewrites accounts.conf.
     */
    void setPartitions(int count) throws IOException {
        Path file = Files.createDirectories(dir.resolve(KEYS_DIR)).resolve(PARTITIONS_FILE);
        if (count == 1) {
            Files.deleteIfExists(file);
        } else {
            Files.writeString(file, count + "\n");
        }
        writeAccounts(count);
    }

    /** The groups kept by {@link #setPartitions}, 1 when none; refused, naming the file, when it was spoiled. */
    int readPartitions() throws IOException {
        Path file = dir.resolve(KEYS_DIR).resolve(PARTITIONS_FILE);
        if (!Files.exists(file)) {
            return 1;
        }
        String text = Files.readString(file).strip();
        try {
            int count = Integer.parseInt(text);
            if (Partition.isCount(count)) {
                return count;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IOException(file + " holds '" + text + "', not a number of CentralHub groups from 1 to "
                + Partition.MAX_COUNT + ": run nats-user --partitions N again");
    }

    private Path keyFile(String role, String name) {
        return dir.resolve(KEYS_DIR).resolve(role + "-" + name + ".pub");
    }

    /**
     * accounts.conf from every key in dualhub-users/, CentralHubs first, each sorted by name; and the same account
     * as values for the official NATS Helm chart (accounts-values.yaml, {@code config.merge.accounts}).
     */
    void writeAccounts(int partitions) throws IOException {
        StringBuilder conf = new StringBuilder();
        List<Map<String, Object>> helmUsers = new ArrayList<>();
        for (String role : List.of("central", "edge")) {
            try (Stream<Path> keys = Files.list(dir.resolve(KEYS_DIR))) {
                for (Path key : keys.sorted().toList()) {
                    String file = key.getFileName().toString();
                    if (file.startsWith(role + "-") && file.endsWith(".pub")) {
                        String name = file.substring(role.length() + 1, file.length() - 4);
                        String publicKey = Files.readString(key).strip();
                        conf.append(confUser(role, name, publicKey, partitions));
                        helmUsers.add(user(role, name, publicKey, partitions));
                    }
                }
            }
        }
        Files.writeString(
                dir.resolve(ACCOUNTS_FILE),
                "# Written by `./dualhub nats-user` from the public keys in "
                        + KEYS_DIR + "/: run it again rather than editing this file.\naccounts {\n  " + ACCOUNT + " {\n"
                        + "    jetstream: enabled\n" + confMappings(partitions) + "    users: [\n" + conf
                        + "    ]\n  }\n}\n");
        Map<String, Object> account = new TreeMap<>(Map.of("jetstream", "enabled", "users", helmUsers));
        if (partitions > 1) {
            account.put("mappings", Partition.serverMappings(partitions));
        }
        Files.writeString(
                dir.resolve(HELM_VALUES_FILE),
                "# Written by `./dualhub nats-user` (the account of "
                        + ACCOUNTS_FILE + ", for the NATS Helm chart: helm ... -f " + HELM_VALUES_FILE + ")\n"
                        + JSON.writerWithDefaultPrettyPrinter()
                                .writeValueAsString(Map.of(
                                        "config", Map.of("merge", Map.of("accounts", Map.of(ACCOUNT, account)))))
                        + "\n");
    }

    /** The account's mapping block; empty for one group. */
    private static String confMappings(int partitions) {
        return partitions == 1
                ? ""
                : "    # the edges split over CentralHub groups (central.partitions):"
                        + " `./dualhub nats-user --partitions N`\n"
                        + Partition.serverMappingsConf(partitions, "    ");
    }

    /** One user as data: its public key and, for an edge, its permissions. */
    private static Map<String, Object> user(String role, String name, String publicKey, int partitions) {
        if (role.equals("central")) {
            return Map.of("nkey", publicKey);
        }
        return Map.of(
                "nkey",
                publicKey,
                "permissions",
                new TreeMap<>(Map.of(
                        "publish", Map.of("allow", Subjects.edgePublishes(name, partitions)),
                        "subscribe", Map.of("allow", Subjects.edgeReceives(name)),
                        "allow_responses", true)));
    }

    /** One user in accounts.conf: a comment saying who it is, then the user as JSON (nats-server reads JSON). */
    private static String confUser(String role, String name, String publicKey, int partitions) throws IOException {
        String who = role.equals("central")
                ? "CentralHub " + name
                : "edge " + name + ": publishes its own metrics" + " and events, receives its own commands and replies";
        return "      # " + who + "\n      " + JSON.writeValueAsString(user(role, name, publicKey, partitions)) + "\n";
    }
}
