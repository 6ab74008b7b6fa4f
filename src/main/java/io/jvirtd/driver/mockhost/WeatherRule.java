package io.jvirtd.driver.mockhost;

/**
 * One kind of weather of a fault plan ({@code <weather>}'s children): a change the host makes by
 * itself, as a Poisson process at {@code perSecond} events a second, to a random object whose
 * name matches {@code target}. Immutable.
 *
 * @param name the rule's name (its {@code name} attribute, or the element name)
 * @param kind what happens
 * @param perSecond the mean rate
 * @param target which domains (or pools, for POOL_INACTIVE) it may hit; null for all
 */
record WeatherRule(String name, Kind kind, double perSecond, Glob target) {

    enum Kind {
        /** A running domain crashes: shut off (crashed). */
        CRASH("crash"),
        /** A running guest shuts itself down: shut off (shutdown). */
        SHUTDOWN("shutdown"),
        /** A running domain pauses on a disk I/O error: paused (I/O error). */
        IO_ERROR("io-error"),
        /** An active storage pool goes inactive. */
        POOL_INACTIVE("pool-inactive");

        private final String xmlName;

        Kind(String xmlName) {
            this.xmlName = xmlName;
        }

        String xmlName() {
            return xmlName;
        }

        static Kind byXmlName(String s) {
            for (Kind k : values()) {
                if (k.xmlName.equals(s)) {
                    return k;
                }
            }
            return null;
        }
    }
}
