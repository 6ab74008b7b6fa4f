package io.jvirtd.jmh;

import io.jvirtd.protocol.remote.RemoteTypes.ConnectListAllDomainsRet;
import io.jvirtd.protocol.remote.RemoteTypes.DomainGetXmlDescRet;
import io.jvirtd.protocol.remote.RemoteTypes.NonnullDomain;
import io.jvirtd.rpc.message.FrameDecoder;
import io.jvirtd.rpc.message.FrameException;
import io.jvirtd.rpc.message.Message;
import io.jvirtd.rpc.xdr.XdrCodec;
import io.jvirtd.rpc.xdr.XdrReader;
import io.jvirtd.rpc.xdr.XdrWriter;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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

/**
 * The large payloads of the calls lvbench drives, where {@link WireBench} covers the small
 * ones: a domain's XML (xml mode), a list of 1,000 domains (list mode) and a 1 MiB message
 * assembled from partial reads (the frame buffer grows as bytes arrive).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PayloadBench {

    private static final XdrCodec<DomainGetXmlDescRet> XML_RET = XdrCodec.of(DomainGetXmlDescRet.class);
    private static final XdrCodec<ConnectListAllDomainsRet> LIST_RET = XdrCodec.of(ConnectListAllDomainsRet.class);
    private static final int MIB = 1 << 20;

    private DomainGetXmlDescRet xmlRet;
    private ConnectListAllDomainsRet listRet;
    private byte[] listBody;
    private ByteBuffer bigMessage;

    @Setup
    public void setUp() {
        StringBuilder xml = new StringBuilder("<domain type='test' id='1'>\n");
        while (xml.length() < 3000) { // the size of the test driver's default domain's XML
            xml.append("  <disk type='file' device='disk'><source file='/guest/diskimage1'/></disk>\n");
        }
        xmlRet = new DomainGetXmlDescRet(xml.append("</domain>\n").toString());
        List<NonnullDomain> domains = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            byte[] uuid = new byte[16];
            uuid[0] = (byte) i;
            uuid[1] = (byte) (i >> 8);
            domains.add(new NonnullDomain("lvbench-12345-d" + i, uuid, i + 2));
        }
        listRet = new ConnectListAllDomainsRet(domains, domains.size());
        XdrWriter w = new XdrWriter(64 * 1024);
        LIST_RET.encode(w, listRet);
        listBody = w.toByteArray();
        bigMessage = ByteBuffer.allocate(MIB);
        bigMessage.putInt(MIB).putInt(0x20008086).putInt(1).putInt(11).putInt(0).putInt(1).putInt(0);
    }

    /** A 3 KB domain XML into a reply body (UTF-8 and padding). */
    @Benchmark
    public int encodeXmlDescRet() {
        XdrWriter w = new XdrWriter(4096);
        XML_RET.encode(w, xmlRet);
        return w.position();
    }

    /** The reply body of virConnectListAllDomains with 1,000 domains. */
    @Benchmark
    public int encodeListOf1000Domains() {
        XdrWriter w = new XdrWriter(64 * 1024);
        LIST_RET.encode(w, listRet);
        return w.position();
    }

    /** The same body decoded with every bound checked (what a peer's bytes go through). */
    @Benchmark
    public ConnectListAllDomainsRet decodeListOf1000Domains() {
        return LIST_RET.decode(new XdrReader(listBody, 0, listBody.length));
    }

    /** A 1 MiB call arriving in 16 reads of 64 KiB. */
    @Benchmark
    public Message assembleOneMiBIn64KiBReads() throws FrameException {
        Message[] out = new Message[1];
        FrameDecoder decoder = new FrameDecoder();
        ByteBuffer src = bigMessage.duplicate();
        for (int at = 0; at < MIB; at += 65536) {
            src.limit(at + 65536).position(at);
            decoder.feed(src, m -> out[0] = m);
        }
        if (out[0] == null || out[0].frame().length != MIB - 4) {
            throw new IllegalStateException("the 1 MiB message did not come out whole");
        }
        return out[0];
    }
}
