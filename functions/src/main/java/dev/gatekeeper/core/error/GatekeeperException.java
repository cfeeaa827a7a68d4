package dev.gatekeeper.core.error;

import dev.gatekeeper.core.organisation.OrganisationId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The one exception type of the service: it carries an {@link ErrorCode}, a description that is safe to show to
 * callers, and optional field details. The HTTP edge turns it into an {@code ErrorResponse}; anything else that
 * escapes is an internal error whose message is never shown. A 401 or 403 also carries an {@link AuthFailure}, the
 * reason for logs and metrics, which the edge never puts in a response.
 */
public final class GatekeeperException extends RuntimeException {
    private final ErrorCode code;
    private final List<ErrorDetail> details;
    private final AuthFailure authFailure;
    private final OrganisationId credentialOwner;

    public GatekeeperException(ErrorCode code, String description, List<ErrorDetail> details, Throwable cause) {
        this(code, description, details, cause, null, null);
    }

    private GatekeeperException(ErrorCode code, String description, List<ErrorDetail> details, Throwable cause,
                                AuthFailure authFailure, OrganisationId credentialOwner) {
        super(description, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.details = List.copyOf(details);
        this.authFailure = authFailure;
        this.credentialOwner = credentialOwner;
    }

    public GatekeeperException(ErrorCode code, String description) {
        this(code, description, List.of(), null);
    }

    public ErrorCode code() {
        return code;
    }

    /** The caller-safe description (the exception message). */
    public String description() {
        return getMessage();
    }

    public List<ErrorDetail> details() {
        return details;
    }

    /** Why credentials were refused (401 and 403 from authentication); never shown to the caller. */
    public Optional<AuthFailure> authFailure() {
        return Optional.ofNullable(authFailure);
    }

    /**
     * For a refusal, the organisation the refused credential belongs to, when the credential was genuine (a stored
     * API key, a token whose signature verified); empty when it could not be tied to one. For the audit trail only.
     */
    public Optional<OrganisationId> credentialOwner() {
        return Optional.ofNullable(credentialOwner);
    }

    /** This refusal, attributed to the organisation whose credential was refused. */
    public GatekeeperException refusingCredentialOf(OrganisationId owner) {
        GatekeeperException attributed = new GatekeeperException(code, getMessage(), details, getCause(), authFailure,
                Objects.requireNonNull(owner, "owner"));
        attributed.setStackTrace(getStackTrace());
        return attributed;
    }

    public static GatekeeperException badRequest(String description) {
        return new GatekeeperException(ErrorCode.BAD_REQUEST, description);
    }

    public static GatekeeperException unauthorized(AuthFailure reason, String description) {
        return new GatekeeperException(ErrorCode.UNAUTHORIZED, description, List.of(), null,
                Objects.requireNonNull(reason, "reason"), null);
    }

    public static GatekeeperException forbidden(AuthFailure reason, String description) {
        return new GatekeeperException(ErrorCode.FORBIDDEN, description, List.of(), null,
                Objects.requireNonNull(reason, "reason"), null);
    }

    public static GatekeeperException notFound(String description) {
        return new GatekeeperException(ErrorCode.NOT_FOUND, description);
    }

    public static GatekeeperException unsupportedMediaType(String description) {
        return new GatekeeperException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, description);
    }

    public static GatekeeperException validation(List<ErrorDetail> details) {
        return new GatekeeperException(ErrorCode.VALIDATION_FAILED, "The request is not valid", details, null);
    }

    public static GatekeeperException validation(String code, String description, String field) {
        return validation(List.of(new ErrorDetail(code, description, field)));
    }

    /** A dependency (table, secret) could not be reached or answered with an error; the cause is kept for logs. */
    public static GatekeeperException unavailable(String description, Throwable cause) {
        return new GatekeeperException(ErrorCode.SERVICE_UNAVAILABLE, description, List.of(), cause);
    }
}
