package io.dualhub.central.api;

import io.dualhub.common.config.Secret;

/**
 * Who may use the API: with no tokens configured anyone may (the default, for a hub on loopback); with a viewer or an
 * operator token configured every {@code /api/**} request needs {@code Authorization: Bearer <token>}. A viewer may
 * read (GET); an operator may also act (POST: decommission, recovery). Tokens are compared in constant time.
 */
public record ApiAccess(Secret viewerToken, Secret operatorToken) {

    /** The verdict on one request: 0 to let it through, else the HTTP status (401 or 403) and why. */
    public record Verdict(int status, String reason) {
        static final Verdict ALLOWED = new Verdict(0, "");
    }

    public boolean open() {
        return viewerToken == null && operatorToken == null;
    }

    public Verdict judge(String method, String authorization) {
        if (open()) {
            return Verdict.ALLOWED;
        }
        String token = Secret.presented(authorization);
        if (token == null) {
            return new Verdict(
                    401,
                    "this API needs a token: send 'Authorization: Bearer <token>' (a viewer token "
                            + "reads, an operator token also acts)");
        }
        boolean operator = operatorToken != null && operatorToken.matches(token);
        if (!operator && !(viewerToken != null && viewerToken.matches(token))) {
            return new Verdict(401, "the token is not valid here");
        }
        boolean reads = method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
        return reads || operator
                ? Verdict.ALLOWED
                : new Verdict(403, "a viewer token may only read; " + method + " needs the operator token");
    }
}
