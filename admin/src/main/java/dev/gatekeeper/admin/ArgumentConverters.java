package dev.gatekeeper.admin;

import dev.gatekeeper.core.audit.AuditEvent;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.core.token.TokenId;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Turns arguments into the service's own types, so a malformed value is a usage error before anything is sent. */
final class ArgumentConverters {
    private ArgumentConverters() {
    }

    static final class OrganisationIds implements ITypeConverter<OrganisationId> {
        @Override
        public OrganisationId convert(String value) {
            return OrganisationId.parse(value).orElseThrow(() -> new TypeConversionException(
                    "'" + value + "' is not an organisation id (10 lower-case letters or digits)"));
        }
    }

    /** An organisation id, or the audit trail's partition of refusals tied to no organisation. */
    static final class AuditPartitions implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (AuditEvent.UNATTRIBUTED.equals(value) || OrganisationId.parse(value).isPresent()) {
                return value;
            }
            throw new TypeConversionException("'" + value + "' is not an organisation id (10 lower-case letters or "
                    + "digits) or " + AuditEvent.UNATTRIBUTED);
        }
    }

    /** An ISO-8601 instant such as 2026-05-01T00:00:00Z. */
    static final class Instants implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e) {
                throw new TypeConversionException("'" + value + "' is not an ISO-8601 time such as 2026-05-01T00:00:00Z");
            }
        }
    }

    static final class TokenIds implements ITypeConverter<TokenId> {
        @Override
        public TokenId convert(String value) {
            return TokenId.parse(value).orElseThrow(() -> new TypeConversionException(
                    "'" + value + "' is not a token id (a lower-case UUID)"));
        }
    }

    /** A scope or product name: an OAuth scope token (printable ASCII, no space, quote or backslash). */
    static final class Names implements ITypeConverter<String> {
        private static final Pattern SCOPE_TOKEN = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");

        @Override
        public String convert(String value) {
            if (!SCOPE_TOKEN.matcher(value).matches()) {
                throw new TypeConversionException(
                        "'" + value + "' is not a scope or product name (printable ASCII, no spaces or quotes)");
            }
            return value;
        }
    }

    /** An http(s) URL with a host, as the SDK's endpoint override needs. */
    static final class Endpoints implements ITypeConverter<URI> {
        @Override
        public URI convert(String value) {
            try {
                URI uri = new URI(value);
                boolean http = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
                if (http && uri.getHost() != null) {
                    return uri;
                }
            } catch (URISyntaxException e) {
                // reported below
            }
            throw new TypeConversionException("'" + value + "' is not an http(s) URL such as http://127.0.0.1:8000");
        }
    }

    /**
     * An IP address or CIDR block the way the service's allow-list reads one: a literal IPv4 or IPv6 address with
     * an optional prefix no longer than the address. Host names are refused, never resolved.
     */
    static final class IpAllowListEntries implements ITypeConverter<String> {
        private static final String OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
        private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
        private static final Pattern IPV6 = Pattern.compile("(?=.*:)[0-9a-fA-F:][0-9a-fA-F:.]*");
        private static final Pattern PREFIX = Pattern.compile("\\d{1,3}");

        @Override
        public String convert(String value) {
            String entry = value.strip();
            int slash = entry.indexOf('/');
            byte[] address = literal(slash < 0 ? entry : entry.substring(0, slash));
            boolean valid = address != null;
            if (valid && slash >= 0) {
                String prefix = entry.substring(slash + 1);
                valid = PREFIX.matcher(prefix).matches() && Integer.parseInt(prefix) <= address.length * 8;
            }
            if (!valid) {
                throw new TypeConversionException(
                        "'" + value + "' is not an IP address or CIDR block (such as 203.0.113.7 or 2001:db8::/32)");
            }
            return entry;
        }

        private static byte[] literal(String text) {
            if (!IPV4.matcher(text).matches() && !IPV6.matcher(text).matches()) {
                return null;
            }
            try {
                // Only literals reach this line (IPv6 starting with a hex digit or ':'), which Java parses
                // without ever looking a name up.
                return InetAddress.getByName(text).getAddress();
            } catch (UnknownHostException e) {
                return null;
            }
        }
    }
}
