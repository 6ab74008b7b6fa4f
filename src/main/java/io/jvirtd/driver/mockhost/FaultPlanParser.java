package io.jvirtd.driver.mockhost;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import org.xml.sax.Attributes;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Reads a fault plan: the one {@code <plan>} element of jvirtd's namespace {@link #NS} in a file,
 * either a node file (next to libvirt's own elements, which are skipped) or a file of its own.
 * The format is in docs/fault-injection.md. Anything wrong is a {@link FaultPlanException} with
 * the file, the line and the reason; elements and attributes of the namespace that the format
 * does not have are refused, so a typo cannot silently disable a rule. Stateless; any thread.
 */
final class FaultPlanParser {

    /** jvirtd's fault-plan namespace. */
    static final String NS = "https://jvirtd.io/xmlns/fault-plan/1";

    private FaultPlanParser() {
    }

    /**
     * The plan in {@code file}, or null when it has none.
     *
     * @throws FaultPlanException when the file cannot be read or its plan is wrong
     */
    static FaultPlan parse(Path file, FaultStats stats) {
        String name = file.toString();
        Handler h = new Handler(name, stats);
        try {
            SAXParserFactory f = SAXParserFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            SAXParser p = f.newSAXParser();
            p.parse(file.toFile(), h);
        } catch (SAXParseException e) {
            throw new FaultPlanException(name, e.getLineNumber(), e.getMessage());
        } catch (SAXException | ParserConfigurationException e) {
            throw new FaultPlanException(name, h.line(), e.getMessage());
        } catch (IOException e) {
            throw new FaultPlanException(name, 0, "cannot read: " + e.getMessage());
        }
        return h.plan;
    }

    /** SAX handler; one per parse. */
    private static final class Handler extends DefaultHandler {
        private final String file;
        private final FaultStats stats;
        private Locator locator;
        private FaultPlan plan;
        private boolean inPlan;
        private boolean inWeather;
        private long seed;
        private final List<FaultRule> rules = new ArrayList<>();
        private final List<WeatherRule> weather = new ArrayList<>();
        /** Rule and weather names so far: each names one counter, so each must be unique. */
        private final Set<String> names = new java.util.HashSet<>();
        /** The rule being read: its attributes and action, until its end tag. */
        private String ruleName;
        private FaultRule.Match ruleMatch;
        private FaultRule.Trigger ruleTrigger;
        private double ruleValue;
        private FaultAction ruleAction;
        private boolean inRule;

        Handler(String file, FaultStats stats) {
            this.file = file;
            this.stats = stats;
        }

        int line() {
            return locator == null ? 0 : locator.getLineNumber();
        }

        @Override
        public void setDocumentLocator(Locator l) {
            this.locator = l;
        }

        private FaultPlanException bad(String reason) {
            return new FaultPlanException(file, line(), reason);
        }

        @Override
        public void startElement(String uri, String local, String qName, Attributes a) {
            if (!NS.equals(uri)) {
                if (inPlan) {
                    throw bad("<" + qName + "> inside a fault plan: only elements of " + NS + " belong there");
                }
                return;
            }
            if (!inPlan) {
                if (!local.equals("plan")) {
                    throw bad("<" + local + "> outside <plan>");
                }
                if (plan != null) {
                    throw bad("a second <plan>: a file has at most one");
                }
                allow(a, "plan", Set.of("seed"));
                String s = a.getValue("seed");
                seed = s == null ? new SecureRandom().nextLong() : parseLong(s, "seed");
                inPlan = true;
                return;
            }
            if (inRule) {
                if (ruleAction != null) {
                    throw bad("rule '" + ruleName + "' has a second action <" + local + ">: give each its own rule");
                }
                ruleAction = action(local, a);
                return;
            }
            if (inWeather) {
                weather.add(weatherRule(local, a));
                return;
            }
            if (local.equals("rule")) {
                startRule(a);
            } else if (local.equals("weather")) {
                allow(a, "weather", Set.of());
                inWeather = true;
            } else {
                throw bad("unknown element <" + local + "> in <plan> (expected <rule> or <weather>)");
            }
        }

        @Override
        public void endElement(String uri, String local, String qName) {
            if (!NS.equals(uri) || !inPlan) {
                return;
            }
            switch (local) {
                case "rule":
                    if (ruleAction == null) {
                        throw bad("rule '" + ruleName + "' has no action (<delay>, <error>, <drop/>, <hang/> or <partial>)");
                    }
                    rules.add(new FaultRule(ruleName, ruleMatch, ruleTrigger, ruleValue, ruleAction,
                            seed + rules.size()));
                    inRule = false;
                    break;
                case "weather":
                    inWeather = false;
                    break;
                case "plan":
                    inPlan = false;
                    plan = new FaultPlan(file, seed, rules, weather, stats);
                    break;
                default:
            }
        }

        private void startRule(Attributes a) {
            allow(a, "rule", Set.of("name", "procedure", "object", "transport", "readonly",
                    "probability", "every", "first"));
            inRule = true;
            ruleAction = null;
            ruleName = unique(a.getValue("name") != null ? a.getValue("name") : "rule-" + (rules.size() + 1));
            String transport = a.getValue("transport");
            if (transport != null && !Set.of("unix", "tcp", "tls").contains(transport)) {
                throw bad("transport '" + transport + "': expected unix, tcp or tls");
            }
            String ro = a.getValue("readonly");
            if (ro != null && !ro.equals("yes") && !ro.equals("no")) {
                throw bad("readonly '" + ro + "': expected yes or no");
            }
            ruleMatch = new FaultRule.Match(glob(a.getValue("procedure")), glob(a.getValue("object")), transport,
                    ro == null ? null : ro.equals("yes"));
            String p = a.getValue("probability");
            String every = a.getValue("every");
            String first = a.getValue("first");
            int given = (p != null ? 1 : 0) + (every != null ? 1 : 0) + (first != null ? 1 : 0);
            if (given > 1) {
                throw bad("rule '" + ruleName + "': give at most one of probability, every and first");
            }
            if (p != null) {
                ruleTrigger = FaultRule.Trigger.PROBABILITY;
                ruleValue = parseDouble(p, "probability");
                if (!(ruleValue >= 0 && ruleValue <= 1)) {
                    throw bad("probability " + p + " is not between 0 and 1");
                }
            } else if (every != null) {
                ruleTrigger = FaultRule.Trigger.EVERY;
                ruleValue = positive(every, "every");
            } else if (first != null) {
                ruleTrigger = FaultRule.Trigger.FIRST;
                ruleValue = positive(first, "first");
            } else {
                ruleTrigger = FaultRule.Trigger.ALWAYS;
            }
        }

        private FaultAction action(String local, Attributes a) {
            switch (local) {
                case "delay":
                    return new FaultAction(FaultAction.Kind.DELAY, delay(a), null);
                case "error":
                    return new FaultAction(FaultAction.Kind.ERROR, null, error(a, "error"));
                case "partial":
                    return new FaultAction(FaultAction.Kind.PARTIAL, null, error(a, "partial"));
                case "drop":
                    allow(a, "drop", Set.of());
                    return new FaultAction(FaultAction.Kind.DROP, null, null);
                case "hang":
                    allow(a, "hang", Set.of());
                    return new FaultAction(FaultAction.Kind.HANG, null, null);
                default:
                    throw bad("unknown action <" + local + "> (expected <delay>, <error>, <drop/>, <hang/> or <partial>)");
            }
        }

        private FaultAction.Delay delay(Attributes a) {
            allow(a, "delay", Set.of("distribution", "value", "min", "max", "mean"));
            String d = a.getValue("distribution") == null ? "fixed" : a.getValue("distribution");
            switch (d) {
                case "fixed":
                    return new FaultAction.Delay(FaultAction.Delay.Distribution.FIXED, millis(a, "value"), 0);
                case "uniform": {
                    double min = millis(a, "min");
                    double max = millis(a, "max");
                    if (max < min) {
                        throw bad("uniform delay: max is less than min");
                    }
                    return new FaultAction.Delay(FaultAction.Delay.Distribution.UNIFORM, min, max);
                }
                case "exponential":
                    return new FaultAction.Delay(FaultAction.Delay.Distribution.EXPONENTIAL, millis(a, "mean"), 0);
                default:
                    throw bad("distribution '" + d + "': expected fixed, uniform or exponential");
            }
        }

        private FaultAction.ErrorSpec error(Attributes a, String element) {
            allow(a, element, Set.of("kind", "code", "domain", "message"));
            String kind = a.getValue("kind");
            if (kind != null && !FaultAction.ErrorSpec.KINDS.contains(kind)) {
                throw bad("kind '" + kind + "': expected one of " + FaultAction.ErrorSpec.KINDS);
            }
            return new FaultAction.ErrorSpec(kind, code(a.getValue("code")), domain(a.getValue("domain")),
                    a.getValue("message"));
        }

        private VirErrorNumber code(String s) {
            VirErrorNumber c = s == null ? null : constant(s, "VIR_ERR_", VirErrorNumber.class, VirErrorNumber::byNumber);
            if (s != null && (c == null || c == VirErrorNumber.OK)) {
                throw bad("unknown error code '" + s + "' (a virErrorNumber such as VIR_ERR_OPERATION_TIMEOUT or 68)");
            }
            return c;
        }

        private VirErrorDomain domain(String s) {
            VirErrorDomain d = s == null ? null : constant(s, "VIR_FROM_", VirErrorDomain.class, VirErrorDomain::byNumber);
            if (s != null && d == null) {
                throw bad("unknown error domain '" + s + "' (a virErrorDomain such as VIR_FROM_TEST or 12)");
            }
            return d;
        }

        /** libvirt's C name (with or without {@code prefix}) or number of an enum constant; null if none. */
        private static <E extends Enum<E>> E constant(String s, String prefix, Class<E> type, IntFunction<E> byNumber) {
            if (s.matches("\\d{1,4}")) {
                return byNumber.apply(Integer.parseInt(s));
            }
            try {
                return Enum.valueOf(type, s.startsWith(prefix) ? s.substring(prefix.length()) : s);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }

        private WeatherRule weatherRule(String local, Attributes a) {
            WeatherRule.Kind kind = WeatherRule.Kind.byXmlName(local);
            if (kind == null) {
                throw bad("unknown weather <" + local + "> (expected crash, shutdown, io-error or pool-inactive)");
            }
            String target = kind == WeatherRule.Kind.POOL_INACTIVE ? "pool" : "domain";
            allow(a, local, Set.of("name", "rate", target));
            String rate = a.getValue("rate");
            if (rate == null) {
                throw bad("<" + local + "> needs a rate, such as rate=\"2/min\"");
            }
            String name = unique(a.getValue("name") != null ? a.getValue("name") : local);
            return new WeatherRule(name, kind, perSecond(rate), glob(a.getValue(target)));
        }

        /** "N/s", "N/min" or "N/h", N a decimal number. */
        private double perSecond(String rate) {
            int slash = rate.indexOf('/');
            if (slash > 0) {
                double n = parseDouble(rate.substring(0, slash), "rate");
                String unit = rate.substring(slash + 1);
                double seconds = unit.equals("s") ? 1 : unit.equals("min") ? 60 : unit.equals("h") ? 3600 : -1;
                if (seconds > 0 && n > 0 && n <= 1000 * seconds) {
                    return n / seconds;
                }
            }
            throw bad("rate '" + rate + "': expected N/s, N/min or N/h with 0 < N, at most 1000 a second");
        }

        /** A duration attribute: "50ms", "1.5s" or a bare number of milliseconds. */
        private double millis(Attributes a, String attr) {
            String s = a.getValue(attr);
            if (s == null) {
                throw bad("<delay> needs " + attr);
            }
            double factor = 1;
            String n = s;
            if (s.endsWith("ms")) {
                n = s.substring(0, s.length() - 2);
            } else if (s.endsWith("s")) {
                n = s.substring(0, s.length() - 1);
                factor = 1000;
            }
            double v = parseDouble(n, attr) * factor;
            if (!(v >= 0 && v <= FaultAction.MAX_DELAY_MILLIS)) {
                throw bad(attr + " '" + s + "' is not between 0 and " + FaultAction.MAX_DELAY_MILLIS / 1000 + " s");
            }
            return v;
        }

        private void allow(Attributes a, String element, Set<String> names) {
            for (int i = 0; i < a.getLength(); i++) {
                String n = a.getLocalName(i);
                if (a.getURI(i).isEmpty() && !names.contains(n)) {
                    throw bad("unknown attribute '" + n + "' of <" + element + ">"
                            + (names.isEmpty() ? "" : " (it has " + String.join(", ", names.stream().sorted().toList()) + ")"));
                }
            }
        }

        private String unique(String name) {
            if (!names.add(name)) {
                throw bad("a second rule named '" + name + "': names must be unique (they label the metrics)");
            }
            return name;
        }

        private Glob glob(String s) {
            return s == null ? null : Glob.of(s);
        }

        private long parseLong(String s, String what) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                throw bad(what + " '" + s + "' is not an integer");
            }
        }

        private long positive(String s, String what) {
            long v = parseLong(s, what);
            if (v <= 0) {
                throw bad(what + " '" + s + "' must be at least 1");
            }
            return v;
        }

        private double parseDouble(String s, String what) {
            try {
                double d = Double.parseDouble(s.trim());
                if (Double.isFinite(d)) {
                    return d;
                }
            } catch (NumberFormatException e) {
                // below
            }
            throw bad(what + " '" + s + "' is not a number");
        }
    }

    /** The libvirt error a node file with a bad plan is refused with at open. */
    static io.jvirtd.model.VirException openError(FaultPlanException e) {
        return io.jvirtd.model.VirException.of(VirErrorNumber.XML_ERROR, VirErrorDomain.TEST,
                "fault plan " + e.getMessage());
    }
}
