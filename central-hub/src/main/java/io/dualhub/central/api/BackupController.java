package io.dualhub.central.api;

import io.dualhub.central.CentralHub;
import io.dualhub.central.store.BackupContents;
import io.dualhub.hub.threads.ServerThreads;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.server.types.files.StreamedFile;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.nats.client.JetStreamApiException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/backup} (operator): a consistent snapshot of the store, sent as a DuckDB database file that
 * {@code ./dualhub restore} prepares a hub from ({@link CentralHub#backup}). The snapshot is written under
 * {@code <data.dir>/backups} first and removed once sent (or at the next backup, were it not); one snapshot is
 * written at a time, a second request waits for it. Headers say what it holds:
 * {@code X-Dualhub-Backup-Source}, {@code -Points}, {@code -Edges}, {@code -Taken-At} (epoch ms).
 */
@Controller("/api/v1")
public class BackupController {
    private static final Logger LOG = LoggerFactory.getLogger(BackupController.class);
    private final CentralHub hub;

    public BackupController(CentralHub hub) {
        this.hub = hub;
    }

    @Post("/backup")
    @ExecuteOn(ServerThreads.API)
    public synchronized HttpResponse<?> backup() {
        try {
            Path file = hub.newBackupFile();
            BackupContents contents = hub.backup(file);
            long size = Files.size(file);
            long modified = Files.getLastModifiedTime(file).toMillis();
            LOG.info(
                    "backup of {} points from {} edges written to {} ({} bytes), sending it",
                    contents.points(),
                    contents.edges(),
                    file,
                    size);
            StreamedFile body = new StreamedFile(
                            removedOnClose(file), MediaType.APPLICATION_OCTET_STREAM_TYPE, modified, size)
                    .attach("dualhub-" + contents.restorePoint().source() + "-"
                            + contents.restorePoint().takenAtMs() + ".duckdb");
            return HttpResponse.ok(body)
                    .header("X-Dualhub-Backup-Source", contents.restorePoint().source())
                    .header(
                            "X-Dualhub-Backup-Taken-At",
                            Long.toString(contents.restorePoint().takenAtMs()))
                    .header("X-Dualhub-Backup-Points", Long.toString(contents.points()))
                    .header("X-Dualhub-Backup-Edges", Integer.toString(contents.edges()));
        } catch (RuntimeException | IOException | JetStreamApiException e) { // StoreException, no NATS, ...
            return ApiError.unavailable("backup failed: " + e.getMessage());
        }
    }

    /** The file's bytes; closing the stream (sent, or the client went away) removes the file. */
    private static InputStream removedOnClose(Path file) throws IOException {
        return new FilterInputStream(Files.newInputStream(file)) {
            @Override
            public void close() throws IOException {
                super.close();
                Files.deleteIfExists(file);
            }
        };
    }
}
