package io.dualhub.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback relay in front of one remote-write receiver that keeps the body of every request it forwards, so a plain
 * client can send the very same requests afterwards. It relays HTTP/1.1 bytes as they are, each connection of the
 * sender on a connection of its own to the receiver (so a sender's parallel requests stay parallel), reading no more
 * of a message than its head and its {@code Content-Length}: a hop on loopback that costs the machine little, where
 * an HTTP server and client in between took half a core of the two at a million samples a second. While
 * {@link #refuse() refusing} it answers 503 to everything, as a receiver that is down, and records nothing.
 */
final class RecordingProxy implements AutoCloseable {
    private static final byte[] REFUSED =
            "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_HEAD = 64 << 10;

    private final ServerSocket server;
    private final ExecutorService connections = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "recording-proxy");
        t.setDaemon(true);
        return t;
    });
    private final URI target;
    private final List<byte[]> bodies = new CopyOnWriteArrayList<>();
    private volatile long firstNanos;
    private final AtomicLong lastNanos = new AtomicLong();
    private volatile boolean refusing;

    RecordingProxy(URI target) throws IOException {
        this.target = target;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        connections.execute(this::acceptAll);
    }

    private void acceptAll() {
        while (!server.isClosed()) {
            try {
                Socket sender = server.accept();
                connections.execute(() -> relay(sender));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void relay(Socket sender) {
        try (sender;
                Receiver receiver = new Receiver()) {
            sender.setTcpNoDelay(true);
            InputStream fromSender = new BufferedInputStream(sender.getInputStream(), 1 << 16);
            OutputStream toSender = new BufferedOutputStream(sender.getOutputStream(), 1 << 16);
            for (HttpMessage request = HttpMessage.read(fromSender);
                    request != null;
                    request = HttpMessage.read(fromSender)) {
                if (refusing) {
                    toSender.write(REFUSED);
                    toSender.flush();
                    continue;
                }
                if (firstNanos == 0) {
                    firstNanos = System.nanoTime();
                }
                HttpMessage answer = receiver.exchange(request);
                bodies.add(request.body());
                answer.writeTo(toSender);
                lastNanos.accumulateAndGet(System.nanoTime(), Math::max);
            }
        } catch (IOException e) {
            // the sender or the receiver went away: so does this connection, as it would without the relay
        }
    }

    /**
     * A sender connection's own connection to the receiver, made when first needed and made again once when it
     * turns out closed (the receiver closes connections idle for a minute, as while the relay refused).
     */
    private final class Receiver implements AutoCloseable {
        private Socket socket;
        private InputStream in;
        private OutputStream out;

        HttpMessage exchange(HttpMessage request) throws IOException {
            if (socket != null) {
                try {
                    return sendOn(request);
                } catch (IOException closed) {
                    close();
                }
            }
            socket = new Socket(target.getHost(), target.getPort());
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
            out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
            return sendOn(request);
        }

        private HttpMessage sendOn(HttpMessage request) throws IOException {
            request.writeTo(out);
            HttpMessage answer = HttpMessage.read(in);
            if (answer == null) {
                throw new IOException("the receiver closed the connection before answering");
            }
            return answer;
        }

        @Override
        public void close() throws IOException {
            if (socket != null) {
                socket.close();
                socket = null;
            }
        }
    }

    /** An HTTP/1.1 message as it came: its head (up to the empty line) and its body of {@code Content-Length}. */
    private record HttpMessage(byte[] head, byte[] body) {
        /** The next message, or null at the end of the stream before one began. */
        static HttpMessage read(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream(512);
            int tail = 0; // the last four bytes read, to find CRLF CRLF
            for (int b = in.read(); ; b = in.read()) {
                if (b < 0) {
                    if (head.size() == 0) {
                        return null;
                    }
                    throw new IOException("the connection ended within a message's head");
                }
                head.write(b);
                tail = (tail << 8) | b;
                if (tail == 0x0d0a0d0a) {
                    break;
                }
                if (head.size() > MAX_HEAD) {
                    throw new IOException("a message head of over " + MAX_HEAD + " bytes");
                }
            }
            byte[] headBytes = head.toByteArray();
            return new HttpMessage(headBytes, in.readNBytes(contentLength(headBytes)));
        }

        private static int contentLength(byte[] head) throws IOException {
            int length = 0;
            for (String line : new String(head, StandardCharsets.US_ASCII).split("\r\n")) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("transfer-encoding:")) {
                    throw new IOException("the relay reads bodies by Content-Length only, not: " + line);
                }
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(
                            line.substring("content-length:".length()).strip());
                }
            }
            return length;
        }

        void writeTo(OutputStream out) throws IOException {
            out.write(head);
            out.write(body);
            out.flush();
        }
    }

    /** From now on answers 503 to every request, forwarding and recording none. */
    void refuse() {
        refusing = true;
    }

    /** Forwards again, with no body recorded and the times cleared: what comes from now on is timed and recorded. */
    void forwardAnew() {
        bodies.clear();
        firstNanos = 0;
        lastNanos.set(0);
        refusing = false;
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + target.getRawPath());
    }

    /** When the first request came in (System.nanoTime), 0 before. */
    long firstNanos() {
        return firstNanos;
    }

    /** When the receiver's last answer went back (System.nanoTime), 0 before. */
    long lastNanos() {
        return lastNanos.get();
    }

    List<byte[]> bodies() {
        return bodies;
    }

    @Override
    public void close() throws IOException {
        server.close();
        connections.shutdownNow();
    }
}
