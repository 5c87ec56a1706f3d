package io.dualhub.central.api;

import io.dualhub.central.CentralHub;
import io.dualhub.central.export.RemoteWriteExporter;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.serde.annotation.SerdeImport;
import java.util.List;

/**
 * {@code GET /api/v1/export}: each remote-write receiver this hub exports to and how that goes (only the leader
 * exports; a standby shows {@code STANDBY}). An empty list when none is configured.
 */
@Controller("/api/v1")
@SerdeImport(RemoteWriteExporter.ExportStatus.class)
@SerdeImport(RemoteWriteExporter.Refusal.class)
public class ExportController {
    private final CentralHub hub;

    public ExportController(CentralHub hub) {
        this.hub = hub;
    }

    @Get("/export")
    public List<RemoteWriteExporter.ExportStatus> export() {
        return hub.exports().statuses();
    }
}
