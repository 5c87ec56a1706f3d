package io.dualhub.central.ingest;

import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.GapDeclaration;

/** Told, on the ingest thread and after the commit, what was stored and which gaps edges declared; must not block. */
public interface IngestListener {
    void stored(Batch batch);

    void declared(GapDeclaration gap);
}
