package io.jvirtd.driver.mockhost;

/**
 * A fault plan that cannot be used, with where and why: "FILE:LINE: REASON". Immutable.
 */
final class FaultPlanException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    FaultPlanException(String file, int line, String reason) {
        super(file + ":" + (line > 0 ? line : "?") + ": " + reason, null, false, false);
    }
}
