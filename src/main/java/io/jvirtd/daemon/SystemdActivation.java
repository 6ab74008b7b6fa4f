package io.jvirtd.daemon;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The listening sockets systemd passed at socket activation, as libvirt's virSystemdGetActivation
 * reads them: {@code LISTEN_PID} must be this process, {@code LISTEN_FDS} counts descriptors from
 * 3 on, and {@code LISTEN_FDNAMES} (colon-separated, one name per descriptor: the socket unit's
 * name unless it sets FileDescriptorName=) says which service each belongs to. The daemon then
 * {@link #claim claims} each name it serves; a descriptor nobody claims is an error
 * ({@link #unclaimed}), as in libvirt. Used by the process leader only.
 */
final class SystemdActivation {

    /** The first passed descriptor (SD_LISTEN_FDS_START): 0..2 stay stdin, stdout and stderr. */
    static final int FIRST_FD = 3;

    /** name -> descriptors, in the order systemd passed them; claim() removes an entry. */
    private final Map<String, List<Integer>> fds;

    private SystemdActivation(Map<String, List<Integer>> fds) {
        this.fds = fds;
    }

    /**
     * The activation of this process, or null when there is none (no LISTEN_PID, one for another
     * process, no or a malformed LISTEN_FDS, or zero descriptors): the daemon then binds its own
     * sockets. As in libvirt, a malformed LISTEN_PID or LISTEN_FDS means "not activated".
     *
     * @throws ConfigException LISTEN_FDNAMES is missing or names another number of descriptors
     */
    static SystemdActivation fromEnvironment(Map<String, String> env, long pid) throws ConfigException {
        Long listenPid = parse(env.get("LISTEN_PID"));
        if (listenPid == null || listenPid != pid) {
            return null;
        }
        Long count = parse(env.get("LISTEN_FDS"));
        if (count == null || count == 0 || count > Integer.MAX_VALUE - FIRST_FD) {
            return null;
        }
        String names = env.get("LISTEN_FDNAMES");
        if (names == null) {
            throw new ConfigException("Missing LISTEN_FDNAMES env from systemd socket activation");
        }
        String[] split = names.split(":", -1);
        if (split.length != count) {
            throw new ConfigException("Expecting " + count + " FD names but got " + split.length);
        }
        Map<String, List<Integer>> fds = new LinkedHashMap<>();
        for (int i = 0; i < split.length; i++) {
            fds.computeIfAbsent(split[i], n -> new ArrayList<>()).add(FIRST_FD + i);
        }
        return new SystemdActivation(fds);
    }

    /** A non-negative decimal number (virStrToLong_ull's full-string form), else null. */
    private static Long parse(String s) {
        if (s == null || !s.matches("[0-9]{1,18}")) {
            return null;
        }
        return Long.parseLong(s);
    }

    boolean hasName(String name) {
        return fds.containsKey(name);
    }

    /** The descriptors passed under {@code name} (none when there are none); they are the caller's now. */
    List<Integer> claim(String name) {
        List<Integer> claimed = fds.remove(name);
        return claimed == null ? List.of() : claimed;
    }

    /** The names nobody claimed, with their descriptors: non-empty means a unit the daemon does not know. */
    Map<String, List<Integer>> unclaimed() {
        return Map.copyOf(fds);
    }
}
