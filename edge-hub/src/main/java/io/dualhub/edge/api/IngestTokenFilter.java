package io.dualhub.edge.api;

import io.dualhub.common.config.Secret;
import io.dualhub.edge.EdgeAgent;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;

/**
 * With {@code http.ingest-token} set, a write without it is refused (401) as soon as its headers are in, before its
 * body is read: a caller without the token cannot make the edge buffer or parse a large body.
 */
@ServerFilter("/api/v1/write")
public class IngestTokenFilter {
    private final Secret token;

    public IngestTokenFilter(EdgeAgent agent) {
        this.token = agent.config().ingestToken();
    }

    /** Null lets the request through; otherwise the refusal, saying what to send. */
    @RequestFilter
    @Nullable
    public HttpResponse<?> authorize(HttpRequest<?> request) {
        if (token == null || token.matches(Secret.presented(request.getHeaders().get(HttpHeaders.AUTHORIZATION)))) {
            return null;
        }
        return HttpResponse.status(HttpStatus.UNAUTHORIZED)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .body(WriteError.of(
                        "this edge needs its ingest token: send 'Authorization: Bearer <token>' (or "
                                + "'Token <token>', as InfluxDB v2 clients do); nothing was stored",
                        null));
    }
}
