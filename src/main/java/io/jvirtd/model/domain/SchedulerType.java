package io.jvirtd.model.domain;

import java.util.Objects;

/** virDomainGetSchedulerType's answer: the scheduler name and its number of parameters. */
public record SchedulerType(String type, int nparams) {
    public SchedulerType {
        Objects.requireNonNull(type, "type");
    }
}
