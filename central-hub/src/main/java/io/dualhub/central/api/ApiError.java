package io.dualhub.central.api;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.serde.annotation.Serdeable;

/** The JSON body of a refused API request. */
@Serdeable
public record ApiError(String error) {
    /** 503 saying {@code why}: what the hub needs to answer and does not have now. */
    static HttpResponse<ApiError> unavailable(String why) {
        return HttpResponse.status(HttpStatus.SERVICE_UNAVAILABLE).body(new ApiError(why));
    }

    /** 503: the hub's NATS connection is {@code state} and the answer is read from NATS ({@code needs}). */
    static HttpResponse<ApiError> withoutNats(Object state, String needs) {
        return unavailable("this CentralHub has no NATS connection (" + state + "): " + needs);
    }
}
