/**
 * libvirt's CPU map (models, features and their CPUID/MSR bits) read from the host's libvirt
 * installation at run time, for the drivers. Depends on the model layer only.
 */
package io.jvirtd.driver.cpumap;
