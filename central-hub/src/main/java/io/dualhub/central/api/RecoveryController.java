package io.dualhub.central.api;

import io.dualhub.central.CentralHub;
import io.dualhub.central.recovery.RecoveryAction;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.serde.annotation.SerdeImport;
import java.util.List;

/** {@code GET /api/v1/recovery[?edge=]}: the audited recovery actions, latest state of each, newest first. */
@Controller("/api/v1")
@SerdeImport(RecoveryAction.class)
public class RecoveryController {
    private final CentralHub hub;

    public RecoveryController(CentralHub hub) {
        this.hub = hub;
    }

    @Get("/recovery")
    public List<RecoveryAction> recovery(@Nullable @QueryValue String edge) {
        return hub.recoveryLog().actions(edge);
    }
}
