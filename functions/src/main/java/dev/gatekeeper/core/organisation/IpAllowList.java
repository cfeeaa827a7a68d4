package dev.gatekeeper.core.organisation;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Pattern;

/** Matches a source address against literal addresses and CIDR blocks, IPv4 and IPv6. */
public final class IpAllowList {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]+");
    private IpAllowList() {
    }

    public static boolean permits(List<String> entries, String sourceIp) {
        byte[] source = literal(sourceIp);
        if (source == null) {
            return false;
        }
        for (String entry : entries) {
            if (matches(entry.trim(), source)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(String entry, byte[] source) {
        int slash = entry.indexOf('/');
        byte[] network = literal(slash < 0 ? entry : entry.substring(0, slash));
        if (network == null || network.length != source.length) {
            return false;
        }
        int prefix = network.length * 8;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(entry.substring(slash + 1));
            } catch (NumberFormatException e) {
                return false;
            }
            if (prefix < 0 || prefix > network.length * 8) {
                return false;
            }
        }
        for (int bit = 0; bit < prefix; bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((network[bit / 8] & mask) != (source[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses only IP literals. IPv4 is parsed here, because InetAddress.getByName resolves anything it does not
     * read as a literal (such as 999.1.1.1) through DNS; text with a colon is only ever read as an IPv6 literal.
     */
    private static byte[] literal(String text) {
        if (text == null) {
            return null;
        }
        if (IPV4.matcher(text).matches()) {
            String[] parts = text.split("\\.");
            byte[] address = new byte[4];
            for (int i = 0; i < 4; i++) {
                int octet = Integer.parseInt(parts[i]);
                if (octet > 255) {
                    return null;
                }
                address[i] = (byte) octet;
            }
            return address;
        }
        if (text.indexOf(':') < 0 || !IPV6_CHARS.matcher(text).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
