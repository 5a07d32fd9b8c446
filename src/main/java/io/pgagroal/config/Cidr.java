package io.pgagroal.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * An address rule of pgagroal_hba.conf: {@code all}, {@code a.b.c.d/m}, {@code x::y/m}, or a bare
 * address (a /32 or /128 rule). Matching compares the first {@code m} bits, so any prefix length works
 * (upstream compares whole octets for IPv4 and gets IPv6 wrong). A client address in IPv4-mapped IPv6
 * form ({@code ::ffff:a.b.c.d}, as a dual-stack socket may report it) is compared as the IPv4 address,
 * and a rule written that way is an IPv4 rule. Otherwise an IPv4 rule never matches an IPv6 client, nor
 * the reverse. Parsing never resolves host names.
 *
 * <p>It lives in config because the loader parses every address of pgagroal_hba.conf and reports a bad
 * one with its file and line; the HbaMatcher of the security package matches clients with it.
 */
public final class Cidr {

    private static final Cidr ALL = new Cidr(null, 0);
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");
    private static final Pattern PREFIX = Pattern.compile("\\d{1,3}");

    private final byte[] network;
    private final int prefix;

    private Cidr(byte[] network, int prefix) {
        this.network = network;
        this.prefix = prefix;
    }

    /** Parses a rule; throws {@link IllegalArgumentException} saying what is wrong. */
    public static Cidr parse(String text) {
        if (text.equalsIgnoreCase("all")) {
            return ALL;
        }
        int slash = text.indexOf('/');
        String host = slash < 0 ? text : text.substring(0, slash);
        byte[] address = address(host);
        int max = address.length * 8;
        boolean mapped = max == 32 && host.contains(":");
        int prefix = slash < 0 ? max : prefixLength(text.substring(slash + 1), mapped ? 128 : max);
        if (mapped) {
            if (prefix < 96) {
                throw new IllegalArgumentException("prefix /" + prefix + " of an IPv4-mapped address must be at least 96");
            }
            prefix -= 96;
        }
        return new Cidr(mask(address, prefix), prefix);
    }

    private static byte[] address(String host) {
        var ipv4 = IPV4.matcher(host);
        if (ipv4.matches()) {
            byte[] address = new byte[4];
            for (int i = 0; i < 4; i++) {
                int octet = Integer.parseInt(ipv4.group(i + 1));
                if (octet > 255) {
                    throw new IllegalArgumentException("\"" + host + "\" is not a valid IPv4 address");
                }
                address[i] = (byte) octet;
            }
            return address;
        }
        if (IPV6.matcher(host).matches()) {
            try {
                return InetAddress.getByName(host).getAddress();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("\"" + host + "\" is not a valid IPv6 address");
            }
        }
        throw new IllegalArgumentException("\"" + host + "\" is not all, an IPv4 or an IPv6 address");
    }

    private static int prefixLength(String text, int max) {
        if (!PREFIX.matcher(text).matches() || Integer.parseInt(text) > max) {
            throw new IllegalArgumentException("prefix length \"" + text + "\" is not between 0 and " + max);
        }
        return Integer.parseInt(text);
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] masked = address.clone();
        for (int bit = prefix; bit < masked.length * 8; bit++) {
            masked[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return masked;
    }

    /** Whether {@code client} is inside this rule. */
    public boolean matches(InetAddress client) {
        if (network == null) {
            return true;
        }
        byte[] address = unmapped(client.getAddress());
        return address.length == network.length && Arrays.equals(mask(address, prefix), network);
    }

    private static byte[] unmapped(byte[] address) {
        if (address.length != 16 || address[10] != (byte) 0xff || address[11] != (byte) 0xff) {
            return address;
        }
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return address;
            }
        }
        return Arrays.copyOfRange(address, 12, 16);
    }

    @Override
    public String toString() {
        if (network == null) {
            return "all";
        }
        try {
            return InetAddress.getByAddress(network).getHostAddress() + '/' + prefix;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
