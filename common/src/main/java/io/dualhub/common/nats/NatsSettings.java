package io.dualhub.common.nats;

import io.dualhub.common.config.ConfigException;
import io.dualhub.common.config.ConfigKey;
import io.dualhub.common.config.Settings;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.Options;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * How both hubs connect to NATS. Tuned for fast failure detection, unlike jnats' defaults (2 min pings, 60
 * reconnects then give up, an 8 MiB in-memory reconnect buffer): pings every second with two outstanding
 * notice a dead or silent server in about 2 s, reconnects never stop, and nothing is buffered in memory while
 * disconnected, because the data path's buffer is the edge's disk.
 */
public record NatsSettings(
        List<String> servers,
        Duration connectTimeout,
        Duration pingInterval,
        int maxPingsOut,
        Duration reconnectWait,
        Duration reconnectJitter,
        boolean discoverServers,
        NatsAuth auth,
        SSLContext tls,
        String inboxPrefix) {

    /** The keys every hub reads for its NATS connection, with their defaults. */
    public static final List<ConfigKey> KEYS = List.of(
            new ConfigKey(
                    "nats.servers",
                    "nats://127.0.0.1:4222",
                    "comma-separated NATS server URLs; give every node of the cluster"),
            new ConfigKey("nats.connect-timeout", "2s", "timeout of one connection attempt"),
            new ConfigKey(
                    "nats.ping-interval",
                    "1s",
                    "client ping interval; a server that misses max-pings-out pings is treated as dead"),
            new ConfigKey(
                    "nats.max-pings-out",
                    "2",
                    "unanswered pings before the connection is dropped and another server is tried"),
            new ConfigKey("nats.reconnect-wait", "250ms", "pause before trying the same server again"),
            new ConfigKey(
                    "nats.reconnect-jitter",
                    "250ms",
                    "random extra pause added to reconnect-wait, so a fleet does not reconnect in lockstep"),
            new ConfigKey(
                    "nats.discover-servers",
                    "true",
                    "also use the cluster's other servers as the servers announce them; false: only nats.servers (behind NAT or proxies)"),
            new ConfigKey("nats.user", "", "user name for NATS user/password authentication; empty: none"),
            new ConfigKey("nats.password", "", "the user's password as env:VARIABLE or file:/path (never inline)"),
            new ConfigKey(
                    "nats.token",
                    "",
                    "token for NATS token authentication, as env:VARIABLE or file:/path (never inline)"),
            new ConfigKey(
                    "nats.nkey",
                    "",
                    "user NKey seed (SU...) for NKey authentication, as env:VARIABLE or file:/path; `dualhub nats-user` makes one"),
            new ConfigKey(
                    "nats.creds", "", "path of a .creds file (user JWT and seed) for servers in operator/JWT mode"),
            new ConfigKey(
                    "nats.tls.ca",
                    "",
                    "PEM file of the CA that signed the NATS servers' certificates; set: connections use TLS and verify the server"),
            new ConfigKey(
                    "nats.tls.cert", "", "PEM client certificate, for servers that verify clients (with nats.tls.key)"),
            new ConfigKey(
                    "nats.tls.key",
                    "",
                    "the client certificate's unencrypted PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----)"));

    public NatsSettings {
        servers = List.copyOf(servers);
        if (servers.isEmpty()) {
            throw new ConfigException(
                    "invalid configuration: nats.servers is empty: give at least one URL like nats://127.0.0.1:4222");
        }
        for (String s : servers) {
            requireUrl(s);
        }
        auth = auth == null ? NatsAuth.NONE : auth;
        inboxPrefix = inboxPrefix == null || inboxPrefix.isEmpty() ? "_INBOX" : inboxPrefix;
    }

    /** Settings for these servers, without authentication or TLS, each other value its default until set. */
    public static Builder custom(List<String> servers) {
        return new Builder(servers);
    }

    public static Builder custom(String... servers) {
        return custom(List.of(servers));
    }

    /**
     * Builds settings without authentication or TLS (tests, tools); a hub's own come from its config
     * ({@link #from}). The defaults are those of {@link #KEYS}.
     */
    public static final class Builder {
        private final List<String> servers;
        private Duration connectTimeout = Duration.ofSeconds(2);
        private Duration pingInterval = Duration.ofSeconds(1);
        private int maxPingsOut = 2;
        private Duration reconnectWait = Duration.ofMillis(250);
        private Duration reconnectJitter = Duration.ofMillis(250);
        private boolean discoverServers = true;

        private Builder(List<String> servers) {
            this.servers = List.copyOf(servers);
        }

        public Builder connectTimeout(Duration d) {
            connectTimeout = d;
            return this;
        }

        public Builder pingInterval(Duration d) {
            pingInterval = d;
            return this;
        }

        public Builder maxPingsOut(int n) {
            maxPingsOut = n;
            return this;
        }

        /** The pause before trying a server again, and the random extra up to the same again. */
        public Builder reconnectWait(Duration d) {
            reconnectWait = d;
            reconnectJitter = d;
            return this;
        }

        public Builder discoverServers(boolean discover) {
            discoverServers = discover;
            return this;
        }

        public NatsSettings build() {
            return new NatsSettings(
                    servers,
                    connectTimeout,
                    pingInterval,
                    maxPingsOut,
                    reconnectWait,
                    reconnectJitter,
                    discoverServers,
                    NatsAuth.NONE,
                    null,
                    null);
        }
    }

    /**
     * These settings with replies delivered under {@code prefix.} instead of {@code _INBOX.}: an edge takes its own,
     * so the server can let it subscribe to its replies only ({@code _INBOX.<edge>.>}), not to every client's.
     */
    public NatsSettings withInboxPrefix(String prefix) {
        return new NatsSettings(
                servers,
                connectTimeout,
                pingInterval,
                maxPingsOut,
                reconnectWait,
                reconnectJitter,
                discoverServers,
                auth,
                tls,
                prefix);
    }

    private static void requireUrl(String s) {
        URI uri;
        try {
            uri = new URI(s);
            if (uri.getHost() == null || !List.of("nats", "tls", "ws", "wss").contains(uri.getScheme())) {
                throw new IllegalArgumentException();
            }
        } catch (Exception e) {
            throw new ConfigException("invalid configuration: nats.servers contains '" + masked(s)
                    + "': must be a URL like nats://host:4222 (schemes nats, tls, ws, wss)");
        }
        if (uri.getRawUserInfo() != null) {
            // a password in a URL ends up in logs, process listings and heartbeats; the secret keys never do
            throw new ConfigException("invalid configuration: nats.servers contains credentials ('" + masked(s)
                    + "'): give the URL without them and set nats.user with nats.password, or nats.token (each"
                    + " env:NAME or file:/path)");
        }
    }

    /** The URL with anything before an '@' (credentials) replaced, for messages. */
    private static String masked(String url) {
        return url.replaceFirst("(?<=//)[^/@]*@", "***@");
    }

    public static NatsSettings from(Settings s) {
        return new NatsSettings(
                s.list("nats.servers"),
                s.duration("nats.connect-timeout", Duration.ofMillis(100)),
                s.duration("nats.ping-interval", Duration.ofMillis(100)),
                s.intBetween("nats.max-pings-out", 1, 100),
                s.duration("nats.reconnect-wait", Duration.ZERO),
                s.duration("nats.reconnect-jitter", Duration.ZERO),
                s.bool("nats.discover-servers"),
                new NatsAuth(
                        s.string("nats.user"),
                        s.secret("nats.password"),
                        s.secret("nats.token"),
                        s.secret("nats.nkey"),
                        s.path("nats.creds")),
                tls(s),
                null);
    }

    /** The TLS context from the nats.tls.* files, or null when none is set (plain connections). */
    private static SSLContext tls(Settings s) {
        Path ca = s.path("nats.tls.ca");
        Path cert = s.path("nats.tls.cert");
        Path key = s.path("nats.tls.key");
        return ca == null && cert == null && key == null ? null : NatsTls.context(ca, cert, key);
    }

    /** jnats options for one named connection; the listeners report state changes to the owner's health. */
    public Options toOptions(
            String connectionName, ConnectionListener connectionListener, ErrorListener errorListener) {
        Options.Builder b = new Options.Builder()
                .servers(servers.toArray(String[]::new))
                .connectionName(connectionName)
                .connectionTimeout(connectTimeout)
                .pingInterval(pingInterval)
                .maxPingsOut(maxPingsOut)
                .reconnectWait(reconnectWait)
                .reconnectJitter(reconnectJitter)
                .maxReconnects(-1)
                .reconnectBufferSize(0)
                .inboxPrefix(inboxPrefix)
                .connectionListener(connectionListener);
        auth.applyTo(b);
        if (!discoverServers) {
            b.ignoreDiscoveredServers();
        }
        if (tls != null) {
            b.sslContext(tls);
        }
        if (errorListener != null) {
            b.errorListener(errorListener);
        }
        return b.build();
    }
}
