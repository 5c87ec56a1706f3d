package io.dualhub.common.nats;

import io.dualhub.common.logging.LogThrottle;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Reports a NATS error the first time it occurs and then at most once a minute with how often it repeated, so a
 * reconnect loop against a server that refuses our credentials is one clear line, not a storm.
 */
final class RepeatedErrors {
    /** How long one error stays quiet after it was reported: a reconnect loop tries many times a minute. */
    static final Duration QUIET = Duration.ofMinutes(1);
    /** Distinct errors remembered at most: far more than one connection meets, bounded against odd servers. */
    static final int MAX_DISTINCT = 1000;

    private final String connection;
    private final Consumer<String> sink;
    private final LogThrottle throttle;

    RepeatedErrors(String connection, Consumer<String> sink, LongSupplier nanoTicker) {
        this.connection = connection;
        this.sink = sink;
        this.throttle = new LogThrottle(QUIET, MAX_DISTINCT, nanoTicker);
    }

    void report(String error) {
        LogThrottle.Verdict v = throttle.occurred(error);
        if (!v.say()) {
            return;
        }
        sink.accept(connection + ": NATS error: " + error
                + (v.first()
                        ? hint(error)
                        : " (" + (v.repeats() + 1) + " times since it was last logged; still retrying)"));
    }

    private static String hint(String error) {
        String e = error.toLowerCase();
        if (e.contains("authorization")) {
            return " - check nats.user and nats.password, nats.token, nats.nkey or nats.creds; retrying every"
                    + " nats.reconnect-wait";
        }
        if (e.contains("permissions violation")) {
            return " - the server does not let this user do that: check its permissions in the server's"
                    + " configuration (deploy/nats/, `dualhub nats-user`)";
        }
        if (e.contains("certificate") || e.contains("handshake") || e.contains("ssl") || e.contains("tls")) {
            return " - check nats.tls.ca (the CA of the servers' certificates) and, where servers verify clients, "
                    + "nats.tls.cert and nats.tls.key; retrying every nats.reconnect-wait";
        }
        if (e.contains("timeout")) {
            return " - the server did not complete the connection within nats.connect-timeout: check nats.servers "
                    + "and the network, and with TLS the certificates (a server that verifies clients drops one "
                    + "without nats.tls.cert and nats.tls.key); retrying every nats.reconnect-wait";
        }
        return "";
    }

    /** An exception as one line: its innermost cause's type and message (what actually went wrong). */
    static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
