package io.dualhub.common.nats;

import io.dualhub.common.config.ConfigException;
import io.dualhub.common.config.Secret;
import io.nats.client.NKey;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How a hub proves who it is to NATS: nothing, a user and password, a token, an NKey seed (the server holds only
 * the public key), or a {@code .creds} file (a user JWT and its seed, for servers in operator/JWT mode). At most
 * one; the secrets are {@link Secret}s and never printed.
 */
public record NatsAuth(String user, Secret password, Secret token, Secret nkey, Path creds) {

    public static final NatsAuth NONE = new NatsAuth("", null, null, null, null);

    public NatsAuth {
        user = user == null ? "" : user;
        if (user.isEmpty() != (password == null)) {
            throw new ConfigException(
                    "invalid configuration: nats.user and nats.password go together: give both or" + " neither");
        }
        List<String> given = new ArrayList<>();
        if (!user.isEmpty()) {
            given.add("nats.user");
        }
        if (token != null) {
            given.add("nats.token");
        }
        if (nkey != null) {
            given.add("nats.nkey");
            requireUserSeed(nkey);
        }
        if (creds != null) {
            given.add("nats.creds");
            requireReadable(creds);
        }
        if (given.size() > 1) {
            throw new ConfigException("invalid configuration: " + String.join(" and ", given) + " are different ways"
                    + " to authenticate: give one");
        }
    }

    private static void requireUserSeed(Secret seed) {
        String value = seed.value();
        boolean valid;
        try {
            valid = value.startsWith("SU") && NKey.fromSeed(value.toCharArray()).getPublicKey().length > 0;
        } catch (Exception e) {
            valid = false;
        }
        if (!valid) {
            throw new ConfigException("invalid configuration: nats.nkey (" + seed + ") is not a user NKey seed: it"
                    + " must hold one line starting with SU, as `dualhub nats-user` or `nk -gen user` write it");
        }
    }

    private static void requireReadable(Path creds) {
        if (!Files.isReadable(creds)) {
            throw new ConfigException("invalid configuration: nats.creds names " + creds + ", which cannot be read:"
                    + " give the path of a .creds file (a user JWT and its seed, as `nsc` writes it)");
        }
    }

    /** Adds this authentication to jnats options. */
    void applyTo(Options.Builder b) {
        if (!user.isEmpty()) {
            b.userInfo(user, password.value());
        }
        if (token != null) {
            b.token(token.value().toCharArray());
        }
        if (nkey != null) {
            b.authHandler(Nats.staticCredentials(null, nkey.value().toCharArray()));
        }
        if (creds != null) {
            b.authHandler(Nats.credentials(creds.toString()));
        }
    }
}
