package io.jvirtd.model.domain;

/** virDomainGetTime's answer: seconds since the epoch and nanoseconds (C unsigned int). */
public record DomainTime(long seconds, int nseconds) {
}
