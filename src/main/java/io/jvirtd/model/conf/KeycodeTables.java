package io.jvirtd.model.conf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * libvirt's key code tables (virkeycode.c): per {@code virKeycodeSet}, every Linux key's code in
 * that set, in one row order, read from {@code keycodes.tsv} next to this class (made from
 * keycodemapdb's keymaps.csv as libvirt 9.0 builds its tables; 0 where a set has no code).
 * {@link #translate} is virKeycodeValueTranslate: the first row holding the value in the source
 * set gives the value in the target set. XT shares AT set 1's table, as in libvirt. Immutable,
 * loaded once; any thread.
 */
public final class KeycodeTables {

    /** virKeycodeSet names, by number (virKeycodeSetTypeToString). */
    public static final List<String> NAMES = List.of("linux", "xt", "atset1", "atset2", "atset3", "os_x",
            "xt_kbd", "usb", "win32", "qnum");
    /** VIR_KEYCODE_SET_QNUM. */
    public static final int QNUM = 9;

    /** The column of keycodes.tsv holding each virKeycodeSet's table. */
    private static final String[] COLUMN = {"linux", "atset1", "atset1", "atset2", "atset3", "osx", "xtkbd",
            "usb", "win32", "qnum"};

    private static final int[][] TABLES = load();

    private KeycodeTables() {
    }

    /** virKeycodeValueTranslate: {@code value} of set {@code from} in set {@code to}, or -1 when {@code from} has no such code. */
    public static int translate(int from, int to, int value) {
        if (value < 0 || from < 0 || from >= TABLES.length || to < 0 || to >= TABLES.length) {
            return -1;
        }
        int[] src = TABLES[from];
        for (int i = 0; i < src.length; i++) {
            if (src[i] == value) {
                return TABLES[to][i];
            }
        }
        return -1;
    }

    /** Whether {@code value} is a code of set {@code codeset} (what the test driver's send-key accepts). */
    public static boolean valid(int codeset, int value) {
        return translate(codeset, codeset, value) >= 0;
    }

    /** The code set's name as virKeycodeSetTypeToString prints it, "(null)" for an unknown set. */
    public static String name(int codeset) {
        return codeset >= 0 && codeset < NAMES.size() ? NAMES.get(codeset) : "(null)";
    }

    private static int[][] load() {
        try (InputStream in = KeycodeTables.class.getResourceAsStream("keycodes.tsv")) {
            if (in == null) {
                throw new IllegalStateException("keycodes.tsv is missing from the class path");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            String[] header = null;
            List<String[]> rows = new ArrayList<>();
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.startsWith("#") || line.isEmpty()) {
                    continue;
                }
                if (header == null) {
                    header = line.split("\t");
                } else {
                    rows.add(line.split("\t"));
                }
            }
            int[][] out = new int[COLUMN.length][rows.size()];
            for (int set = 0; set < COLUMN.length; set++) {
                int col = List.of(header).indexOf(COLUMN[set]);
                for (int i = 0; i < rows.size(); i++) {
                    out[set][i] = Integer.parseInt(rows.get(i)[col]);
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
