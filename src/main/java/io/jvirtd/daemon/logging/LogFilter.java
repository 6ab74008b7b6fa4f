package io.jvirtd.daemon.logging;

/**
 * One of libvirt's log filters: messages from a category matching {@code match} are kept from
 * {@code priority} up, whatever the default priority. {@code match} is stored as libvirt stores
 * it, the user's text wrapped in {@code *...*} (a substring match written as a glob), and it
 * is printed that way by {@code daemon-log-filters}. Immutable.
 *
 * @param priority 1 debug, 2 info, 3 warning, 4 error
 * @param match    a glob ({@code *} and {@code ?})
 */
record LogFilter(int priority, String match) {

    /** Whether this filter's glob matches {@code name} (g_pattern_match_simple semantics). */
    boolean matches(String name) {
        return glob(match, 0, name, 0);
    }

    private static boolean glob(String p, int pi, String s, int si) {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            if (c == '*') {
                while (pi < p.length() && p.charAt(pi) == '*') {
                    pi++;
                }
                if (pi == p.length()) {
                    return true;
                }
                for (int k = si; k <= s.length(); k++) {
                    if (glob(p, pi, s, k)) {
                        return true;
                    }
                }
                return false;
            }
            if (si >= s.length() || (c != '?' && c != s.charAt(si))) {
                return false;
            }
            pi++;
            si++;
        }
        return si == s.length();
    }

    @Override
    public String toString() {
        return priority + ":" + match;
    }
}
