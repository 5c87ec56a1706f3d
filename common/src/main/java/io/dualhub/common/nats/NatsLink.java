package io.dualhub.common.nats;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Nats;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hub's one NATS connection, opened in the background so the hub starts (and buffers, or serves what it
 * stored) while NATS is unreachable; jnats then reconnects forever. Holds the connection once it exists and the
 * latest connection state for health reporting.
 */
public final class NatsLink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NatsLink.class);
    private final String name;
    private final List<Consumer<Connection>> onConnect = new ArrayList<>();
    private final List<Runnable> onReconnect = new CopyOnWriteArrayList<>();
    private volatile Connection connection;
    private final RepeatedErrors errors;

    private NatsLink(String name) {
        this.name = name;
        this.errors = new RepeatedErrors(name, LOG::warn, System::nanoTime);
    }

    /** Starts connecting; returns at once. */
    public static NatsLink open(NatsSettings settings, String connectionName) {
        NatsLink link = new NatsLink(connectionName);
        try {
            Nats.connectAsynchronously(
                    settings.toOptions(connectionName, link::onEvent, new LinkErrors(link.errors)), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return link;
    }

    private void onEvent(Connection conn, ConnectionListener.Events event) {
        switch (event) {
            case CONNECTED -> connected(conn);
            // With the first attempt refused, jnats keeps trying and reports its first connection as a reconnect:
            // it is still the first (the link had no connection, nothing ran that waits for one).
            case RECONNECTED -> {
                if (!connectedBefore()) {
                    connected(conn);
                    return;
                }
                LOG.info("{}: reconnected to {}", name, conn.getConnectedUrl());
                onReconnect.forEach(Runnable::run);
            }
            case DISCONNECTED -> errors.report("disconnected, reconnecting");
            default -> LOG.debug("{}: {}", name, event);
        }
    }

    private synchronized boolean connectedBefore() {
        return connection != null;
    }

    private synchronized void connected(Connection conn) {
        connection = conn;
        LOG.info("{}: connected to {}", name, conn.getConnectedUrl());
        onConnect.forEach(c -> c.accept(conn));
        onConnect.clear();
    }

    /** Runs the action with the connection once it exists (at once if it already does). */
    public synchronized void whenConnected(Consumer<Connection> action) {
        if (connection != null) {
            action.accept(connection);
        } else {
            onConnect.add(action);
        }
    }

    /** Runs the listener (on a jnats thread; keep it short) after every reconnect. */
    public void onReconnect(Runnable listener) {
        onReconnect.add(listener);
    }

    /**
     * Drops the current server and reconnects elsewhere, without waiting for pings to notice a server that is
     * frozen or cut off but still holds the socket open. Runs in the background; returns at once.
     */
    public void forceReconnect() {
        Connection c = connection;
        if (c == null) {
            return;
        }
        CompletableFuture.runAsync(() -> {
            try {
                LOG.warn("{}: forcing a reconnect away from {}", name, c.getConnectedUrl());
                c.forceReconnect();
            } catch (IOException e) {
                LOG.debug("{}: forced reconnect failed: {}", name, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** The connection once the first connect succeeded, else null. */
    public Connection connection() {
        return connection;
    }

    public boolean isConnected() {
        return live() != null;
    }

    /** The connection while it is connected, else null (never connected yet, or reconnecting). */
    public Connection live() {
        Connection c = connection;
        return c != null && c.getStatus() == Connection.Status.CONNECTED ? c : null;
    }

    /**
     * A core-NATS publish while connected; false (nothing sent) otherwise. For facts that are also kept elsewhere
     * (alerts, lifecycle events), never for data, whose durability is the edge buffer's and JetStream's.
     */
    public boolean publish(String subject, byte[] payload) {
        Connection c = live();
        if (c == null) {
            return false;
        }
        c.publish(subject, payload);
        return true;
    }

    /** {@code CONNECTED}, {@code RECONNECTING}, ... or {@code CONNECTING} before the first connect. */
    public String state() {
        Connection c = connection;
        return c == null ? "CONNECTING" : c.getStatus().name();
    }

    /** The URL of the server currently connected to, or null. */
    public String connectedUrl() {
        Connection c = connection;
        return c == null ? null : c.getConnectedUrl();
    }

    @Override
    public void close() {
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
