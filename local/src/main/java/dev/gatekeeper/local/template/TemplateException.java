package dev.gatekeeper.local.template;

/** The template cannot be read, or asks for something the local runner cannot reproduce; the message says which. */
public final class TemplateException extends RuntimeException {
    public TemplateException(String message) {
        super(message);
    }

    public TemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
