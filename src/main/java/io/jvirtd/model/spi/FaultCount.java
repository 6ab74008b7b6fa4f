package io.jvirtd.model.spi;

/**
 * How often one rule of a fault plan fired, for the metrics endpoint. Immutable.
 *
 * @param plan the plan's file
 * @param rule the rule's name (its {@code name} attribute, or "rule-N" by position from 1)
 * @param fault what it injected: delay, error, drop, hang, partial, or a weather kind
 * @param count how many times, since the plan was loaded by the daemon
 */
public record FaultCount(String plan, String rule, String fault, long count) { }
