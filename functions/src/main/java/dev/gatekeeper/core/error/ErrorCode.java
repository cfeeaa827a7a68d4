package dev.gatekeeper.core.error;

/**
 * Every failure the service reports, with the HTTP status it maps to. The {@code returnCode} of the Gatekeeper
 * {@code ErrorResponse} is the enum name, so clients can branch on it without parsing descriptions.
 */
public enum ErrorCode {
    BAD_REQUEST(400),
    UNAUTHORIZED(401),
    FORBIDDEN(403),
    NOT_FOUND(404),
    METHOD_NOT_ALLOWED(405),
    UNSUPPORTED_MEDIA_TYPE(415),
    VALIDATION_FAILED(422),
    INTERNAL_ERROR(500),
    SERVICE_UNAVAILABLE(503);

    private final int httpStatus;

    ErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
