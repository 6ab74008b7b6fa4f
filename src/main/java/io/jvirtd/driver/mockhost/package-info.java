/**
 * The mock host behind {@code test://} URIs (libvirt's test driver): in-memory fake hosts with test_driver.c's semantics and answers.
 *
 * <p>{@link io.jvirtd.driver.mockhost.MockHostDriver} routes {@code test://} URIs to a
 * {@code MockHost} (shared built-in host or private node-file host);
 * {@code MockConnection} answers the SPI calls from it. The domain side: {@code MockDomain}
 * (one lock per domain), {@code DomainObjList} (the host's concurrent lookup maps and id counter),
 * the snapshot/checkpoint trees (driver/common {@code Moments}), the call families {@code DomainLifecycleOps},
 * {@code DomainTuningOps}, {@code SnapshotOps}, {@code CheckpointOps} that {@code MockDomains}
 * (the connection's {@code domains()}) inherits, and {@code NodeDomains} (domains of node files
 * and of the built-in host). Fault plans (docs/fault-injection.md): {@code FaultPlanParser} reads
 * them into a {@code FaultPlan} of {@code FaultRule}s (the connection's
 * {@link io.jvirtd.model.spi.FaultInjector}) and {@code WeatherRule}s, which {@code Weather} runs
 * on a host; {@code FaultStats} counts them for the metrics. Imports only {@code io.jvirtd.model} and {@code io.jvirtd.driver.schema}
 * (the schemas client XML is checked against).
 */
package io.jvirtd.driver.mockhost;
