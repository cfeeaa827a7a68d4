package dev.gatekeeper.api;

import dev.gatekeeper.core.error.GatekeeperException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Strict reader for {@code application/x-www-form-urlencoded} bodies, the encoding of the OAuth endpoints
 * (RFC 6749 appendix B): {@code name=value} pairs joined by {@code &}, {@code +} for a space, {@code %XX} for each
 * byte of UTF-8. Everything that standard parsers quietly repair is 400 here: a broken escape, bytes that are not
 * UTF-8, an empty name, a repeated parameter (RFC 6749 section 3.1: parameters must not be included more than
 * once, and two {@code token} values would leave it unclear which one was meant), an oversized body.
 */
public final class FormBodies {
    /** An access token is about 1 KB; nothing legitimate comes near this. */
    static final int MAX_BODY_CHARS = 16 * 1024;
    private static final int MAX_PARAMETERS = 32;

    private FormBodies() {
    }

    /** Every parameter, decoded, in order of appearance. */
    public static Map<String, String> parse(String body) {
        if (body == null || body.isEmpty()) {
            return Map.of();
        }
        if (body.length() > MAX_BODY_CHARS) {
            throw GatekeeperException.badRequest("The request body is too large");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : body.split("&", -1)) {
            if (pair.isEmpty()) {
                continue; // "a=1&&b=2" and a trailing "&" carry no parameter (as every form encoder may emit)
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            if (name.isEmpty()) {
                throw malformed();
            }
            if (parameters.putIfAbsent(name, value) != null) {
                throw GatekeeperException.badRequest("Parameter '" + shown(name) + "' appears more than once");
            }
            if (parameters.size() > MAX_PARAMETERS) {
                throw GatekeeperException.badRequest("Too many form parameters");
            }
        }
        return Collections.unmodifiableMap(parameters);
    }

    /**
     * The {@code token} parameter of an introspection (RFC 7662) or revocation (RFC 7009) request. Other
     * parameters, such as {@code token_type_hint}, are read (so they must be well-formed) and ignored: this
     * service issues only one kind of token.
     */
    public static String tokenParameter(String body) {
        String token = parse(body).get("token");
        if (token == null || token.isEmpty()) {
            throw GatekeeperException.badRequest("The token parameter is required");
        }
        return token;
    }

    private static String decode(String encoded) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%') {
                if (i + 2 >= encoded.length()) {
                    throw malformed();
                }
                int high = Character.digit(encoded.charAt(i + 1), 16);
                int low = Character.digit(encoded.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    throw malformed();
                }
                bytes.write(high << 4 | low);
                i += 2;
            } else {
                byte[] raw = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isSurrogate(c)) {
                    throw malformed(); // unencoded non-BMP text: a client that does not encode at all
                }
                bytes.write(raw, 0, raw.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw malformed();
        }
    }

    private static String shown(String name) {
        return name.length() > 64 ? name.substring(0, 64) + "..." : name;
    }

    private static GatekeeperException malformed() {
        return GatekeeperException.badRequest("Malformed form body");
    }
}
