package io.jvirtd.driver.cpumap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jvirtd.model.VirException;
import io.jvirtd.testsupport.Tool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Expansion of a model's features from libvirt's CPU map, against libvirtd 9.0's answers to
 * {@code virsh cpu-baseline --features} (the full comparison runs in VirshConformanceIT), and
 * the map algorithm on a map of our own.
 */
class X86CpuMapTest {

    private static X86CpuMap installed() {
        if (!Files.isRegularFile(X86CpuMap.SYSTEM_FOLDER.resolve("index.xml"))) {
            String msg = "libvirt's CPU map is not installed in " + X86CpuMap.SYSTEM_FOLDER
                    + " (Debian: apt-get install libvirt0)";
            if (Tool.inCi()) {
                fail("CI and " + msg);
            }
            Assumptions.abort(msg + "; test skipped (under CI=true it fails)");
        }
        return X86CpuMap.system();
    }

    @Test
    void nehalemExpandsToItsFeaturesSortedByName() {
        List<X86CpuMap.Feature> f = installed().expand("Nehalem");
        // libvirtd 9.0: 31 features, apic ... tsc, all 'require'
        assertEquals(31, f.size(), f.toString());
        assertEquals(new X86CpuMap.Feature("apic", "require"), f.get(0));
        assertEquals(new X86CpuMap.Feature("tsc", "require"), f.get(30));
        assertTrue(f.indexOf(new X86CpuMap.Feature("cx16", "require")) < f.indexOf(new X86CpuMap.Feature("cx8", "require")));
    }

    @Test
    void removedFeaturesComeDisabled() {
        assertTrue(installed().expand("EPYC").contains(new X86CpuMap.Feature("monitor", "disable")));
    }

    @Test
    void anUnknownModelIsAnInternalError() {
        VirException e = assertThrows(VirException.class, () -> installed().expand("bogus"));
        assertEquals("internal error: unknown CPU model bogus", e.getMessage());
    }

    /** A feature whose bits another one already took is not listed (x86DataToCPUFeatures). */
    @Test
    void eachBitIsTakenByTheFirstFeatureInMapOrder(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("index.xml"), "<cpus><arch name='x86'><include filename='f.xml'/>"
                + "<include filename='m.xml'/></arch><arch name='ppc64'><include filename='p.xml'/></arch></cpus>");
        Files.writeString(dir.resolve("f.xml"), "<cpus>"
                + "<feature name='b'><cpuid eax_in='0x01' edx='0x00000003'/></feature>"
                + "<feature name='a'><cpuid eax_in='0x01' edx='0x00000001'/></feature>"
                + "<feature name='c'><msr index='0x10a' edx='0x0' eax='0x1'/></feature>"
                + "<feature name='d'><cpuid eax_in='0x07' ecx_in='0x01' eax='0x10'/></feature></cpus>");
        Files.writeString(dir.resolve("m.xml"), "<cpus><model name='M'><feature name='a'/><feature name='b'/>"
                + "<feature name='c'/><feature name='d' removed='yes'/></model></cpus>");
        List<X86CpuMap.Feature> f = X86CpuMap.read(dir).expand("M");
        assertEquals(List.of(new X86CpuMap.Feature("b", "require"), new X86CpuMap.Feature("c", "require"),
                new X86CpuMap.Feature("d", "disable")), f);
    }
}
