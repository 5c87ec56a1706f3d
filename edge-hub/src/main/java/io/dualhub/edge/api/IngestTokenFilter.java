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
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

/**
 * With {@code http.ingest-token} set, a write without it is refused (401) as soon as its headers are in, before its
 * body is read: a caller without the token cannot make the edge buffer or parse a large body. Every write path (OTLP's
 * {@code /v1/metrics} too) takes the token as {@code Authorization: Bearer ...} or {@code Token ...} (InfluxDB 2.x
 * clients); InfluxDB 1.x's {@code /write} and {@code /query} also as the password of basic auth or of the {@code p}
 * query parameter, as 1.x clients send it (the user name is not checked).
 */
@ServerFilter({"/api/v1/write", "/write", "/api/v2/write", "/query", "/v1/metrics"})
public class IngestTokenFilter {
    private static final String BASIC = "Basic ";

    /** The paths of InfluxDB 1.x, whose clients send the token as a password. */
    private static final Set<String> INFLUX_V1_PATHS = Set.of("/write", "/query");

    private final Secret token;

    public IngestTokenFilter(EdgeAgent agent) {
        this.token = agent.config().ingestToken();
    }

    /** Null lets the request through; otherwise the refusal, saying what to send. */
    @RequestFilter
    @Nullable
    public HttpResponse<?> authorize(HttpRequest<?> request) {
        if (token == null || token.matches(presented(request))) {
            return null;
        }
        boolean v1 = INFLUX_V1_PATHS.contains(request.getPath());
        return WriteDialect.of(request.getPath())
                .refusal(
                        HttpStatus.UNAUTHORIZED,
                        "this edge needs its ingest token: send 'Authorization: Bearer <token>' (or "
                                + "'Token <token>', as InfluxDB v2 clients do"
                                + (v1 ? "; or as the password: basic auth or the p parameter" : "")
                                + "); nothing was stored",
                        null)
                .header(HttpHeaders.WWW_AUTHENTICATE, v1 ? "Basic realm=\"dualhub\"" : "Bearer");
    }

    /** The token a request presents: its Authorization header's, or on InfluxDB 1.x's paths a password. */
    private static String presented(HttpRequest<?> request) {
        String authorization = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        String bearer = Secret.presented(authorization);
        if (bearer != null || !INFLUX_V1_PATHS.contains(request.getPath())) {
            return bearer;
        }
        if (authorization != null && authorization.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
            return basicPassword(authorization.substring(BASIC.length()).trim());
        }
        return request.getParameters().get("p");
    }

    /** The password of basic auth's {@code user:password}, base64-encoded; null when it is not that. */
    private static String basicPassword(String encoded) {
        try {
            String pair = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            return colon < 0 ? null : pair.substring(colon + 1);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
