package io.jswarm.net.ports;

import java.util.regex.Pattern;

/** IPv4 text ↔ int and subnet arithmetic; validating here also keeps arbitrary text out of nft scripts. */
final class Ipv4 {
    private static final Pattern DOTTED = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    private Ipv4() {
    }

    static boolean isAddress(String s) {
        var m = s == null ? null : DOTTED.matcher(s);
        if (m == null || !m.matches()) {
            return false;
        }
        for (int i = 1; i <= 4; i++) {
            if (Integer.parseInt(m.group(i)) > 255) {
                return false;
            }
        }
        return true;
    }

    static String requireAddress(String s, String what) {
        if (!isAddress(s)) {
            throw new IllegalArgumentException(what + " is not an IPv4 address: " + s);
        }
        return s;
    }

    static int toInt(String s) {
        requireAddress(s, "address");
        String[] p = s.split("\\.");
        return (Integer.parseInt(p[0]) << 24) | (Integer.parseInt(p[1]) << 16)
                | (Integer.parseInt(p[2]) << 8) | Integer.parseInt(p[3]);
    }

    static String toText(int a) {
        return (a >>> 24) + "." + ((a >>> 16) & 255) + "." + ((a >>> 8) & 255) + "." + (a & 255);
    }

    /** A subnet such as 172.30.0.0/16; host bits in the text are rejected rather than silently masked. */
    record Subnet(int network, int prefix) {
        Subnet {
            if (prefix < 8 || prefix > 30) {
                throw new IllegalArgumentException("subnet prefix must be /8../30, got /" + prefix);
            }
            if ((network & mask(prefix)) != network) {
                throw new IllegalArgumentException(toText(network) + "/" + prefix + " has host bits set");
            }
        }

        static Subnet parse(String cidr) {
            String[] p = cidr.split("/", 2);
            if (p.length != 2 || !p[1].matches("\\d{1,2}")) {
                throw new IllegalArgumentException("not a CIDR subnet: " + cidr);
            }
            return new Subnet(toInt(p[0]), Integer.parseInt(p[1]));
        }

        private static int mask(int prefix) {
            return prefix == 0 ? 0 : -1 << (32 - prefix);
        }

        int broadcast() {
            return network | ~mask(prefix);
        }

        /** The first host address, which the bridge itself holds as the tasks' default gateway. */
        int gateway() {
            return network + 1;
        }

        boolean contains(int a) {
            return (a & mask(prefix)) == network;
        }

        @Override
        public String toString() {
            return toText(network) + "/" + prefix;
        }
    }
}
