package io.jvirtd.driver.mockhost;

import java.util.regex.Pattern;

/**
 * A shell-style pattern of a fault plan: {@code *} any run of characters, {@code ?} any one,
 * everything else itself (case-sensitive, as libvirt names are). Immutable.
 */
final class Glob {

    private final String text;
    private final Pattern pattern;

    private Glob(String text) {
        this.text = text;
        StringBuilder re = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    re.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                re.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            re.append(Pattern.quote(literal.toString()));
        }
        this.pattern = Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    static Glob of(String text) {
        return new Glob(text);
    }

    /** True when {@code s} is not null and matches the whole pattern. */
    boolean matches(String s) {
        return s != null && pattern.matcher(s).matches();
    }

    @Override
    public String toString() {
        return text;
    }
}
