package io.dualhub.central.ingest;

import io.dualhub.central.store.StoreMaintenance;
import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.GapDeclaration;
import java.util.List;

/**
 * Told, on the ingest thread, what was stored and which gaps edges declared (after the commit), and which streams
 * its setup had to create; must not block.
 */
public interface IngestListener {
    void stored(Batch batch);

    void declared(GapDeclaration gap);

    void streamsCreated(List<String> streams);

    /** The store applied its retention and disk budget (between commits). */
    void maintained(StoreMaintenance.Result result);
}
