/**
 * What every hypervisor driver needs and keeps the same way: the domain object list
 * ({@link io.jvirtd.driver.common.DomainObjList}), the snapshot tree
 * ({@link io.jvirtd.driver.common.Moments}) and the snapshot list filters
 * ({@link io.jvirtd.driver.common.SnapshotSelect}). Depends on the model only.
 */
package io.jvirtd.driver.common;
