package io.jvirtd.bench;

import io.jvirtd.protocol.remote.RemoteTypes.ConnectListAllDomainsRet;
import io.jvirtd.protocol.remote.RemoteTypes.DomainGetXmlDescRet;
import io.jvirtd.protocol.remote.RemoteTypes.DomainLookupByNameArgs;
import io.jvirtd.protocol.remote.RemoteTypes.DomainLookupByNameRet;
import io.jvirtd.protocol.remote.RemoteTypes.NonnullDomain;
import io.jvirtd.rpc.xdr.XdrCodec;
import io.jvirtd.rpc.xdr.XdrReader;
import io.jvirtd.rpc.xdr.XdrWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The worker's share of a call outside the driver: decoding the arguments and encoding the
 * result with the remote program's record codecs, for the calls lvbench drives (lookup, xml,
 * list of 1,000 domains).
 *
 * <p>State: one instance per benchmark thread; the codecs themselves are shared and immutable.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {

    static final XdrCodec<DomainLookupByNameArgs> LOOKUP_ARGS = XdrCodec.of(DomainLookupByNameArgs.class);
    static final XdrCodec<DomainLookupByNameRet> LOOKUP_RET = XdrCodec.of(DomainLookupByNameRet.class);
    static final XdrCodec<DomainGetXmlDescRet> XML_RET = XdrCodec.of(DomainGetXmlDescRet.class);
    static final XdrCodec<ConnectListAllDomainsRet> LIST_RET = XdrCodec.of(ConnectListAllDomainsRet.class);

    byte[] lookupArgs;
    DomainLookupByNameRet lookupRet;
    DomainGetXmlDescRet xmlRet;
    ConnectListAllDomainsRet listRet;
    byte[] listBytes;

    @Setup
    public void setUp() {
        XdrWriter w = new XdrWriter(64);
        LOOKUP_ARGS.encode(w, new DomainLookupByNameArgs("test"));
        lookupArgs = w.toByteArray();
        lookupRet = new DomainLookupByNameRet(domain("test", 1));
        StringBuilder xml = new StringBuilder("<domain type='test' id='1'>\n");
        while (xml.length() < 3000) { // the size of the test driver's default domain's XML
            xml.append("  <disk type='file' device='disk'><source file='/guest/diskimage1'/></disk>\n");
        }
        xmlRet = new DomainGetXmlDescRet(xml.append("</domain>\n").toString());
        List<NonnullDomain> domains = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            domains.add(domain("lvbench-12345-d" + i, i + 2));
        }
        listRet = new ConnectListAllDomainsRet(domains, domains.size());
        XdrWriter lw = new XdrWriter(64 * 1024);
        LIST_RET.encode(lw, listRet);
        listBytes = lw.toByteArray();
    }

    static NonnullDomain domain(String name, int id) {
        byte[] uuid = new byte[16];
        for (int i = 0; i < 16; i++) {
            uuid[i] = (byte) (id * 31 + i);
        }
        return new NonnullDomain(name, uuid, id);
    }

    @Benchmark
    public DomainLookupByNameArgs decodeLookupByNameArgs() {
        return LOOKUP_ARGS.decode(new XdrReader(lookupArgs, 0, lookupArgs.length));
    }

    @Benchmark
    public int encodeLookupByNameRet() {
        XdrWriter w = new XdrWriter(64);
        LOOKUP_RET.encode(w, lookupRet);
        return w.position();
    }

    /** A 3 KB domain XML into a reply body (UTF-8 and padding). */
    @Benchmark
    public int encodeXmlDescRet() {
        XdrWriter w = new XdrWriter(4096);
        XML_RET.encode(w, xmlRet);
        return w.position();
    }

    /** The reply body of virConnectListAllDomains with 1,000 domains (lvbench list). */
    @Benchmark
    public int encodeListOf1000Domains() {
        XdrWriter w = new XdrWriter(64 * 1024);
        LIST_RET.encode(w, listRet);
        return w.position();
    }

    /** The same body decoded, with every bound checked (what a peer's bytes go through). */
    @Benchmark
    public ConnectListAllDomainsRet decodeListOf1000Domains() {
        return LIST_RET.decode(new XdrReader(listBytes, 0, listBytes.length));
    }
}
