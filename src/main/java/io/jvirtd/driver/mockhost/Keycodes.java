package io.jvirtd.driver.mockhost;

import java.util.BitSet;
import java.util.List;

/**
 * The key codes virDomainSendKey accepts per {@code virKeycodeSet}: a code is valid when
 * libvirt's generated table for that code set (keycodemapdb's keymaps.csv, as
 * virKeycodeValueTranslate searches it) contains it. The value lists below were derived from
 * the keymaps.csv libvirt 9.0 ships, as ranges. Immutable; safe from any thread.
 */
final class Keycodes {

    /** virKeycodeSet names, by number. */
    static final List<String> NAMES = List.of("linux", "xt", "atset1", "atset2", "atset3", "os_x",
            "xt_kbd", "usb", "win32", "qnum");

    /** The valid values of each code set (XT shares AT set 1's table, as in libvirt). */
    private static final String[] RANGES = {
            "0-265,272-279,288-299,303-318,320-327,330-337,352-439,448-451,464-484,497-506,51"
                    + "2-524",
            "0-95,99-109,111-121,123,125-126,57345-57356,57358-57360,57362-57385,57387-57398,"
                    + "57400-57439,57443-57453,57455-57465,57467,57469",
            "0-95,99-109,111-121,123,125-126,57345-57356,57358-57360,57362-57385,57387-57398,"
                    + "57400-57439,57443-57453,57455-57465,57467,57469",
            "0-1,3-7,9-15,17-22,26-30,33-39,41-47,49-55,58-63,65-70,73-78,81-82,84-85,88-91,9"
                    + "3,95,97-100,102-103,105-109,112-127,131,57360-57362,57364-57365,57368,57375-5737"
                    + "7,57379,57383-57384,57387,57391-57392,57394,57396,57399-57400,57402-57403,57407-"
                    + "57408,57416,57418,57421,57424,57434,57438,57449,57451-57452,57455-57458,57460-57"
                    + "461,57463,57465-57466,57469",
            "0,7-63,65-71,73-79,82,84-103,105-118,121-122,124-131,133-135,139-142,145,147-152"
                    + ",154-163",
            "0-51,53-65,67,69,71-76,78-107,109-111,113-126,255",
            "0-95,99-109,111-121,123,125-126,257-268,270-272,274-297,299-310,312-351,355-365,"
                    + "367-377,379,381",
            "0,4-48,50-119,121-125,133,135-140,144-148,182-183,224-251",
            "0-2,4-6,8-9,13,17-22,26-29,32-42,44-57,65-93,95-135,144-145,160-161,163,165-180,"
                    + "186-192,219-222,226,242,250-251",
            "0-95,99-109,111-121,123,125-126,129-140,142-144,146-169,171-182,184-223,227-237,"
                    + "239-249,251,253",
    };

    private static final BitSet[] VALID = new BitSet[RANGES.length];

    static {
        for (int i = 0; i < RANGES.length; i++) {
            BitSet set = new BitSet();
            for (String r : RANGES[i].split(",")) {
                int dash = r.indexOf('-');
                if (dash < 0) {
                    set.set(Integer.parseInt(r));
                } else {
                    set.set(Integer.parseInt(r.substring(0, dash)), Integer.parseInt(r.substring(dash + 1)) + 1);
                }
            }
            VALID[i] = set;
        }
    }

    private Keycodes() {
    }

    /** Whether {@code code} is in {@code codeset}'s table (unknown code sets accept nothing). */
    static boolean valid(int codeset, int code) {
        return codeset >= 0 && codeset < VALID.length && code >= 0 && VALID[codeset].get(code);
    }

    /** The code set's name as virKeycodeSetTypeToString prints it. */
    static String name(int codeset) {
        return codeset >= 0 && codeset < NAMES.size() ? NAMES.get(codeset) : "(null)";
    }
}
