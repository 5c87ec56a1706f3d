package io.dualhub.chaos.run;

import io.dualhub.testkit.FaultProxy;
import io.dualhub.testkit.HubProcess;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * An edge agent of the drill topology with its own fault proxy to each NATS node, so a link fault hits this edge
 * alone. {@code links.get(i)} leads to node i. {@code scrapeTargets} is the target file the edge follows
 * ({@code scrape.files}): absent, no targets, until a drill writes it.
 */
record ChaosEdge(String id, HubProcess process, List<FaultProxy> links, Path scrapeTargets) {

    long lastSeq() throws Exception {
        return process.edgeStatus().path("lastSeq").asLong();
    }

    long ackedSeq() throws Exception {
        return process.edgeStatus().path("ackedSeq").asLong();
    }

    long backlog() throws Exception {
        return process.edgeStatus().path("backlog").asLong();
    }

    /** The metrics stream the edge publishes to right now. */
    String stream() throws Exception {
        return process.edgeStatus().path("stream").asText();
    }

    /** The index of the node the edge is connected to (through its proxy), or -1 while it is not connected. */
    int nodeIndex() throws Exception {
        String url = process.edgeStatus().path("natsServer").asText("");
        if (url.isEmpty()) {
            return -1;
        }
        int port = URI.create(url).getPort();
        for (int i = 0; i < links.size(); i++) {
            if (links.get(i).port() == port) {
                return i;
            }
        }
        return -1;
    }

    String url() {
        return process.url();
    }

    void healLinks() {
        links.forEach(FaultProxy::heal);
    }
}
