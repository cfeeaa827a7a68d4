package dev.gatekeeper.core.error;

import java.util.Objects;

/** One input problem: a machine-readable code, a sentence for people, and the JSON path of the field. */
public record ErrorDetail(String code, String description, String field) {
    public ErrorDetail {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(description, "description");
    }
}
