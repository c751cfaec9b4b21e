package io.switchboard.server.api;

import io.netty.handler.codec.http.HttpResponseStatus;

/** A server API request that is answered with a problem document of this status. */
class ApiException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient HttpResponseStatus status;

    ApiException(HttpResponseStatus status, String detail) {
        super(detail, null, false, false);
        this.status = status;
    }

    HttpResponseStatus status() {
        return status;
    }
}
