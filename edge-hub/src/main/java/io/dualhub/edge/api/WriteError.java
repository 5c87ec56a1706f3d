package io.dualhub.edge.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/** The JSON body of a refused write: what is wrong and, for a bad line, its 1-based number. */
@Serdeable
public record WriteError(String error, @Nullable Integer line) {
    static WriteError of(String error, Integer line) {
        return new WriteError(error, line);
    }
}
