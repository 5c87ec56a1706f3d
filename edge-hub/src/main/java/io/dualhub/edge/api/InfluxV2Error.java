package io.dualhub.edge.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.micronaut.serde.annotation.Serdeable;

/**
 * A refused write as InfluxDB 2.x answers it: {@code code} is one of InfluxDB's error codes, {@code message} says
 * what is wrong, {@code line} the 1-based line at fault when there is one.
 */
@Serdeable
public record InfluxV2Error(
        String code, String message, @Nullable Integer line) {
    /** InfluxDB's error code for a status this edge answers with. */
    static String code(HttpStatus status) {
        return switch (status) {
            case BAD_REQUEST -> "invalid";
            case UNAUTHORIZED -> "unauthorized";
            case NOT_FOUND -> "not found";
            case REQUEST_ENTITY_TOO_LARGE -> "request too large";
            case TOO_MANY_REQUESTS -> "too many requests";
            case SERVICE_UNAVAILABLE -> "unavailable";
            default -> "internal error";
        };
    }
}
