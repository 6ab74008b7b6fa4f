/**
 * What every hypervisor driver needs and keeps the same way: the domain object list
 * ({@link io.jvirtd.driver.common.DomainObjList}). Depends on the model only.
 */
package io.jvirtd.driver.common;
