package io.dualhub.central.api;

import io.dualhub.central.config.CentralConfig;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;

/** Applies {@link ApiAccess} to every {@code /api/**} request; {@code /health} and {@code /prometheus} stay open. */
@ServerFilter("/api/**")
public class ApiTokenFilter {
    private final ApiAccess access;

    public ApiTokenFilter(CentralConfig config) {
        this.access = config.api();
    }

    /** Null lets the request through; otherwise the refusal, with what would be valid. */
    @RequestFilter
    @Nullable
    public HttpResponse<?> authorize(HttpRequest<?> request) {
        ApiAccess.Verdict verdict =
                access.judge(request.getMethodName(), request.getHeaders().get(HttpHeaders.AUTHORIZATION));
        if (verdict.status() == 0) {
            return null;
        }
        MutableHttpResponse<ApiError> refusal = HttpResponse.<ApiError>status(HttpStatus.valueOf(verdict.status()))
                .body(new ApiError(verdict.reason()));
        return verdict.status() == 401 ? refusal.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer") : refusal;
    }
}
