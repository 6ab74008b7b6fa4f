package io.jvirtd.protocol.remote;

import static io.jvirtd.rpc.xdr.XdrTestBytes.hex;
import static io.jvirtd.rpc.xdr.XdrTestBytes.words;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.jvirtd.protocol.remote.RemoteTypes.AuthListRet;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectDomainEventCallbackRegisterAnyArgs;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectDomainEventCallbackRegisterAnyRet;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectListAllDomainsRet;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectListAllNetworksRet;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectOpenArgs;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectSupportsFeatureArgs;
import io.jvirtd.protocol.remote.RemoteTypes.ConnectSupportsFeatureRet;
import io.jvirtd.protocol.remote.RemoteTypes.DomainEventCallbackLifecycleMsg;
import io.jvirtd.protocol.remote.RemoteTypes.DomainEventLifecycleMsg;
import io.jvirtd.protocol.remote.RemoteTypes.DomainGetInfoRet;
import io.jvirtd.protocol.remote.RemoteTypes.DomainGetStateArgs;
import io.jvirtd.protocol.remote.RemoteTypes.DomainGetStateRet;
import io.jvirtd.protocol.remote.RemoteTypes.DomainLookupByNameArgs;
import io.jvirtd.protocol.remote.RemoteTypes.DomainLookupByNameRet;
import io.jvirtd.protocol.remote.RemoteTypes.DomainSuspendArgs;
import io.jvirtd.protocol.remote.RemoteTypes.NetworkEventLifecycleMsg;
import io.jvirtd.protocol.remote.RemoteTypes.NodeGetInfoRet;
import io.jvirtd.protocol.remote.RemoteTypes.NodeGetSecurityModelRet;
import io.jvirtd.protocol.remote.RemoteTypes.NonnullDomain;
import io.jvirtd.protocol.remote.RemoteTypes.NonnullNetwork;
import io.jvirtd.protocol.remote.RemoteTypes.NodeGetMemoryParametersRet;
import io.jvirtd.protocol.remote.RemoteTypes.TypedParam;
import io.jvirtd.protocol.remote.RemoteTypes.TypedParamValue;
import io.jvirtd.rpc.xdr.XdrCodec;
import io.jvirtd.rpc.xdr.XdrReader;
import io.jvirtd.rpc.xdr.XdrWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Packets captured between virsh and libvirtd 9.0 (docs/protocol.md §8):
 * each body decodes to the expected record and encodes back to the same bytes.
 */
class RemoteGoldenTest {
    /** Length word plus header: the body starts here. */
    private static final int BODY = 28;

    private static final byte[] FV0_UUID = hex("4dea22b3 1d52d8f3 2516782e 98ab3fa0");

    @Test
    void authListReplyOffersOnlyNone() {
        byte[] packet = hex(
                "00000024",  // length 36
                "20008086",  // program REMOTE
                "00000001",  // version 1
                "00000042",  // procedure 66 AUTH_LIST
                "00000001",  // type REPLY
                "00000000",  // serial 0
                "00000000",  // status OK
                "00000001",  // types: 1 element
                "00000000"); //   [0] REMOTE_AUTH_NONE
        AuthListRet ret = roundTrip(AuthListRet.class, packet);
        assertEquals(List.of(0), ret.types());
    }

    @Test
    void supportsFeatureCallAndReply() {
        byte[] call = hex(
                "00000020",  // length 32
                "20008086",  // program REMOTE
                "00000001",  // version 1
                "0000003c",  // procedure 60 CONNECT_SUPPORTS_FEATURE
                "00000000",  // type CALL
                "00000001",  // serial 1
                "00000000",  // status OK
                "0000000a"); // feature 10 PROGRAM_KEEPALIVE
        byte[] reply = hex(
                "00000020",  // length 32
                "20008086",  // program REMOTE
                "00000001",  // version 1
                "0000003c",  // procedure 60
                "00000001",  // type REPLY
                "00000001",  // serial 1
                "00000000",  // status OK
                "00000001"); // supported 1
        assertEquals(new ConnectSupportsFeatureArgs(10),
                roundTrip(ConnectSupportsFeatureArgs.class, call));
        assertEquals(new ConnectSupportsFeatureRet(1),
                roundTrip(ConnectSupportsFeatureRet.class, reply));
    }

    @Test
    void connectOpenCarriesAnOptionalNameAndFlags() {
        byte[] packet = hex(
                "00000038",  // length 56
                "20008086",  // program REMOTE
                "00000001",  // version 1
                "00000001",  // procedure 1 CONNECT_OPEN
                "00000000",  // type CALL
                "00000002",  // serial 2
                "00000000",  // status OK
                "00000001",  // name present
                "0000000f",  //   15 bytes
                "74657374",  //   "test"
                "3a2f2f2f",  //   ":///"
                "64656661",  //   "defa"
                "756c7400",  //   "ult" + 1 pad byte
                "00000000"); // flags 0
        assertEquals(new ConnectOpenArgs("test:///default", 0),
                roundTrip(ConnectOpenArgs.class, packet));
    }

    @Test
    void connectOpenWithAPathUriFromTheHexCapture() {
        byte[] packet = hex(
                "00000064",  // length 100
                "20008086 00000001 00000001 00000000 00000002 00000000",  // CONNECT_OPEN call, serial 2
                "00000001",  // name present
                "0000003c",  //   60 bytes, no padding
                "74657374 3a2f2f2f 746d702f 7372632f",  // "test:///tmp/src/"
                "6c696276 6972742d 392e302e 302f6578",  // "libvirt-9.0.0/ex"
                "616d706c 65732f78 6d6c2f74 6573742f",  // "amples/xml/test/"
                "74657374 6e6f6465 2e786d6c",           // "testnode.xml"
                "00000000"); // flags 0
        assertEquals(new ConnectOpenArgs("test:///tmp/src/libvirt-9.0.0/examples/xml/test/testnode.xml", 0),
                roundTrip(ConnectOpenArgs.class, packet));
    }

    @Test
    void registerCloseCallbackCallAndReplyHaveEmptyBodies() {
        byte[] call = hex(
                "0000001c",  // length 28: header only
                "20008086 00000001 00000168 00000000 00000005 00000000");  // proc 360 CALL, serial 5
        byte[] reply = hex(
                "0000001c",  // length 28
                "20008086 00000001 00000168 00000001 00000005 00000000");  // proc 360 REPLY, serial 5
        RemoteSignatures.Signature sig = RemoteSignatures.of(RemoteProcedure.CONNECT_REGISTER_CLOSE_CALLBACK);
        assertEquals(null, roundTrip(sig.args(), call));
        assertEquals(null, roundTrip(sig.ret(), reply));
    }

    @Test
    void nodeGetInfoReplyIs188BytesWithAWidenedCharModel() {
        byte[] packet = hex(
                "000000bc",  // length 188
                "20008086 00000001 00000006 00000001 00000009 00000000",  // NODE_GET_INFO reply, serial 9, OK
                "00000069 00000039 00000038 00000036",  // model[0..3] 'i' '9' '8' '6', a word each
                "00000000 00000000 00000000 00000000",  // model[4..31]: NUL
                "00000000 00000000 00000000 00000000",
                "00000000 00000000 00000000 00000000",
                "00000000 00000000 00000000 00000000",
                "00000000 00000000 00000000 00000000",
                "00000000 00000000 00000000 00000000",
                "00000000 00000000 00000000 00000000",
                "00000000 007d0000",  // memory 8192000 (KiB), unsigned hyper
                "00000032",  // cpus 50
                "00001770",  // mhz 6000
                "00000004",  // nodes 4
                "00000004",  // sockets 4
                "00000004",  // cores 4
                "00000002"); // threads 2
        assertEquals(188, packet.length);
        assertEquals(new NodeGetInfoRet("i986", 8192000L, 50, 6000, 4, 4, 4, 2),
                roundTrip(NodeGetInfoRet.class, packet));
    }

    @Test
    void domainLookupByNameCallAndReply() {
        byte[] call = hex(
                "00000024",  // length 36
                "20008086 00000001 00000017 00000000 00000006 00000000",  // proc 23 CALL, serial 6
                "00000003 66763000"); // name "fv0" + 1 pad byte
        byte[] reply = hex(
                "00000038",  // length 56
                "20008086 00000001 00000017 00000001 00000006 00000000",  // proc 23 REPLY, serial 6
                "00000003 66763000",  // dom.name "fv0"
                "4dea22b3 1d52d8f3 2516782e 98ab3fa0",  // dom.uuid, 16 bytes, no count
                "00000001"); // dom.id 1
        assertEquals(new DomainLookupByNameArgs("fv0"), roundTrip(DomainLookupByNameArgs.class, call));
        NonnullDomain dom = roundTrip(DomainLookupByNameRet.class, reply).dom();
        assertEquals("fv0", dom.name());
        assertArrayEquals(FV0_UUID, dom.uuid());
        assertEquals(1, dom.id());
    }

    @Test
    void domainGetStateCallAndReply() {
        byte[] call = hex(
                "0000003c",  // length 60
                "20008086 00000001 000000d4 00000000 00000007 00000000",  // proc 212 CALL, serial 7
                "00000003 66763000",  // dom.name "fv0"
                "4dea22b3 1d52d8f3 2516782e 98ab3fa0",  // dom.uuid
                "00000001",  // dom.id 1
                "00000000"); // flags 0
        byte[] reply = hex(
                "00000024",  // length 36
                "20008086 00000001 000000d4 00000001 00000007 00000000",  // proc 212 REPLY, serial 7
                "00000001",  // state 1 RUNNING
                "00000000"); // reason 0
        DomainGetStateArgs args = roundTrip(DomainGetStateArgs.class, call);
        assertEquals("fv0", args.dom().name());
        assertEquals(0, args.flags());
        assertEquals(new DomainGetStateRet(1, 0), roundTrip(DomainGetStateRet.class, reply));
    }

    @Test
    void domainGetInfoReplyIs60BytesWithWidenedCharAndShort() {
        // Values captured from libvirtd (a shut-off test domain); docs/protocol.md §4 explains
        // the 60 bytes: unsigned char state and unsigned short nrVirtCpu take a word each.
        byte[] body = hex(
                "00000005",            // state 5 SHUTOFF (unsigned char)
                "00000000 00040000",   // maxMem 262144 KiB
                "00000000 000186a0",   // memory 100000 KiB
                "00000001",            // nrVirtCpu 1 (unsigned short)
                "18eb66cc da5356f8");  // cpuTime 1795641906459531000 ns
        DomainGetInfoRet ret = new DomainGetInfoRet(5, 262144L, 100000L, 1, 1795641906459531000L);
        assertEquals(60 - BODY, body.length);
        assertEquals(words(body), words(encode(DomainGetInfoRet.class, ret)));
        assertEquals(ret, XdrCodec.of(DomainGetInfoRet.class).decode(new XdrReader(body, 0, body.length)));
    }

    @Test
    void securityModelIsACountedCStringOfWidenedChars() {
        // Captured (92-byte reply): "testSecurity" travels as 13 elements, the
        // NUL included, and the empty doi as the single element NUL.
        byte[] body = hex(
                "0000000d",                             // model: 13 chars
                "00000074 00000065 00000073 00000074",  // t e s t
                "00000053 00000065 00000063 00000075",  // S e c u
                "00000072 00000069 00000074 00000079",  // r i t y
                "00000000",                             // NUL
                "00000001 00000000");                   // doi: 1 char, NUL ("")
        NodeGetSecurityModelRet ret = new NodeGetSecurityModelRet("testSecurity", "");
        assertEquals(92 - BODY, body.length);
        assertEquals(words(body), words(encode(NodeGetSecurityModelRet.class, ret)));
        assertEquals(ret, XdrCodec.of(NodeGetSecurityModelRet.class).decode(new XdrReader(body, 0, body.length)));
    }

    @Test
    void typedParamsAreFieldThenDiscriminatedValue() {
        byte[] body = hex(
                "00000002",             // params: 2 elements
                "00000005 73686d3a 31000000",  // [0].field "shm:1" + 3 pad
                "00000002 00000040",    // [0].value UINT 64
                "00000001 78000000",    // [1].field "x"
                "00000007 00000002 6f6b0000",  // [1].value STRING "ok"
                "00000000");            // nparams 0
        NodeGetMemoryParametersRet ret = new NodeGetMemoryParametersRet(List.of(
                new TypedParam("shm:1", new TypedParamValue.UIntValue(64)),
                new TypedParam("x", new TypedParamValue.StringValue("ok"))), 0);
        assertEquals(words(body), words(encode(NodeGetMemoryParametersRet.class, ret)));
        assertEquals(ret, XdrCodec.of(NodeGetMemoryParametersRet.class).decode(new XdrReader(body, 0, body.length)));
    }

    @Test
    void listAllDomainsReplyIsHandlesThenCount() {
        // Captured: the 120-byte reply listing the three running test domains.
        byte[] body = hex(
                "00000003",                             // domains: 3 elements
                "00000003 66633500",                    // [0].name "fc5"
                "08721f99 3d1d4aec 96eb9780 3297bb36",  // [0].uuid
                "00000003",                             // [0].id 3
                "00000003 66763000",                    // [1].name "fv0"
                "4dea22b3 1d52d8f3 2516782e 98ab3fa0",  // [1].uuid
                "00000001",                             // [1].id 1
                "00000003 66633400",                    // [2].name "fc4"
                "ef861801 45b911cb 88e3afbf e5370493",  // [2].uuid
                "00000002",                             // [2].id 2
                "00000003");                            // ret 3
        assertEquals(120 - BODY, body.length);
        ConnectListAllDomainsRet ret = XdrCodec.of(ConnectListAllDomainsRet.class)
                .decode(new XdrReader(body, 0, body.length));
        assertEquals(3, ret.ret());
        assertEquals(List.of("fc5", "fv0", "fc4"),
                ret.domains().stream().map(NonnullDomain::name).toList());
        assertArrayEquals(FV0_UUID, ret.domains().get(1).uuid());
        assertEquals(words(body), words(encode(ConnectListAllDomainsRet.class, ret)));
    }

    @Test
    void callbackLifecycleEventFromTheHexCapture() {
        // docs/protocol.md §10: lifecycle SUSPENDED for domain "test".
        byte[] packet = hex(
                "00000044",  // length 68
                "20008086 00000001 0000013e 00000002 00000001 00000000",  // proc 318 MESSAGE, serial 1
                "00000000",  // callbackID 0
                "00000004 74657374",  // msg.dom.name "test"
                "6695eb01 f6a48304 79aa97f2 502e193f",  // msg.dom.uuid
                "00000001",  // msg.dom.id 1
                "00000003",  // msg.event 3 SUSPENDED
                "00000000"); // msg.detail 0 PAUSED
        assertSame(DomainEventCallbackLifecycleMsg.class,
                RemoteSignatures.eventOf(RemoteProcedure.DOMAIN_EVENT_CALLBACK_LIFECYCLE).msg());
        DomainEventCallbackLifecycleMsg m = roundTrip(DomainEventCallbackLifecycleMsg.class, packet);
        assertEquals(0, m.callbackID());
        assertEquals("test", m.msg().dom().name());
        assertArrayEquals(hex("6695eb01 f6a48304 79aa97f2 502e193f"), m.msg().dom().uuid());
        assertEquals(1, m.msg().dom().id());
        assertEquals(3, m.msg().event());
        assertEquals(0, m.msg().detail());
    }

    @Test
    void callbackLifecycleEventOfAnInactiveDomain() {
        // Captured (72-byte MESSAGE): "evdemo" DEFINED/ADDED, id -1.
        byte[] packet = hex(
                "00000048",  // length 72
                "20008086 00000001 0000013e 00000002 00000001 00000000",  // proc 318 MESSAGE
                "00000000",  // callbackID 0
                "00000006 65766465 6d6f0000",  // msg.dom.name "evdemo" + 2 pad bytes
                "7df21179 36204e66 93fe5510 da22377c",  // msg.dom.uuid
                "ffffffff",  // msg.dom.id -1 (inactive)
                "00000000",  // msg.event 0 DEFINED
                "00000000"); // msg.detail 0 ADDED
        DomainEventCallbackLifecycleMsg m = roundTrip(DomainEventCallbackLifecycleMsg.class, packet);
        assertEquals(new DomainEventLifecycleMsg(m.msg().dom(), 0, 0), m.msg());
        assertEquals("evdemo", m.msg().dom().name());
        assertEquals(-1, m.msg().dom().id());
    }

    @Test
    void legacyLifecycleEventIsTheCallbackBodyWithoutCallbackId() {
        // REMOTE_PROC_DOMAIN_EVENT_LIFECYCLE (107), sent to clients registered the old way:
        // the same {dom, event, detail} as the msg of the callback form.
        byte[] packet = hex(
                "00000040",  // length 64
                "20008086 00000001 0000006b 00000002 00000001 00000000",  // proc 107 MESSAGE
                "00000004 74657374",  // dom.name "test"
                "6695eb01 f6a48304 79aa97f2 502e193f",  // dom.uuid
                "00000001",  // dom.id 1
                "00000004",  // event 4 RESUMED
                "00000000"); // detail 0 UNPAUSED
        assertSame(DomainEventLifecycleMsg.class,
                RemoteSignatures.eventOf(RemoteProcedure.DOMAIN_EVENT_LIFECYCLE).msg());
        DomainEventLifecycleMsg m = roundTrip(DomainEventLifecycleMsg.class, packet);
        assertEquals("test", m.dom().name());
        assertEquals(4, m.event());
    }

    @Test
    void networkLifecycleEventCarriesTheCallbackIdInline() {
        // Captured (68-byte MESSAGE): network "evnet" DEFINED, callback 27.
        byte[] packet = hex(
                "00000044",  // length 68
                "20008086 00000001 0000013b 00000002 00000001 00000000",  // proc 315 MESSAGE
                "0000001b",  // callbackID 27
                "00000005 65766e65 74000000",  // net.name "evnet" + 3 pad bytes
                "298b4700 5c8f4f00 af831e64 cda1abaf",  // net.uuid
                "00000000",  // event 0 DEFINED
                "00000000"); // detail 0
        NetworkEventLifecycleMsg m = roundTrip(NetworkEventLifecycleMsg.class, packet);
        assertEquals(27, m.callbackID());
        assertEquals("evnet", m.net().name());
    }

    @Test
    void callbackRegisterAnyWithoutADomainFilter() {
        // Captured: eventID 0 (LIFECYCLE) for every domain, answered callbackID 0.
        byte[] call = hex(
                "00000024",  // length 36
                "20008086 00000001 0000013c 00000000 00000006 00000000",  // proc 316 CALL, serial 6
                "00000000",  // eventID 0
                "00000000"); // dom: absent (remote_domain is a pointer)
        byte[] reply = hex(
                "00000020",  // length 32
                "20008086 00000001 0000013c 00000001 00000006 00000000",  // proc 316 REPLY
                "00000000"); // callbackID 0
        assertEquals(new ConnectDomainEventCallbackRegisterAnyArgs(0, null),
                roundTrip(ConnectDomainEventCallbackRegisterAnyArgs.class, call));
        assertEquals(new ConnectDomainEventCallbackRegisterAnyRet(0),
                roundTrip(ConnectDomainEventCallbackRegisterAnyRet.class, reply));
    }

    @Test
    void domainSuspendCallHasAHandleAndAVoidReply() {
        // Captured from virsh and libvirtd 9.0.
        byte[] call = hex(
                "00000038",  // length 56
                "20008086 00000001 00000022 00000000 00000007 00000000",  // proc 34 CALL, serial 7
                "00000004 74657374",  // dom.name "test"
                "6695eb01 f6a48304 79aa97f2 502e193f",  // dom.uuid
                "00000001"); // dom.id 1
        byte[] reply = hex(
                "0000001c",  // length 28: no body
                "20008086 00000001 00000022 00000001 00000007 00000000");
        RemoteSignatures.Signature sig = RemoteSignatures.of(RemoteProcedure.DOMAIN_SUSPEND);
        assertSame(DomainSuspendArgs.class, sig.args());
        assertEquals("test", roundTrip(DomainSuspendArgs.class, call).dom().name());
        assertEquals(null, roundTrip(sig.ret(), reply));
    }

    @Test
    void listAllNetworksReplyFromTheHexCapture() {
        byte[] packet = hex(
                "0000005c",  // length 92
                "20008086 00000001 0000011b 00000001 00000006 00000000",  // proc 283 REPLY, serial 6
                "00000002",  // nets: 2 elements
                "00000007 70726976 61746500",  // [0].name "private" + 1 pad
                "004b2221 2d78c30f 5aa5f03c 87d21e69",  // [0].uuid
                "00000007 64656661 756c7400",  // [1].name "default" + 1 pad
                "004b96e1 2d78c30f 5aa5f03c 87d21e69",  // [1].uuid
                "00000002"); // ret 2
        ConnectListAllNetworksRet ret = roundTrip(ConnectListAllNetworksRet.class, packet);
        assertEquals(List.of("private", "default"),
                ret.nets().stream().map(NonnullNetwork::name).toList());
        assertEquals(2, ret.ret());
    }

    /**
     * Decodes the body of a captured packet, checks it used every byte, encodes the record
     * again and checks the bytes are the captured ones; returns the record.
     */
    private static <T> T roundTrip(Class<T> type, byte[] packet) {
        assertEquals(packet.length, new XdrReader(packet, 0, 4).readInt(), "length word");
        XdrReader in = new XdrReader(packet, BODY, packet.length - BODY);
        T value = XdrCodec.of(type).decode(in);
        assertEquals(0, in.remaining(), "bytes left after " + type.getSimpleName());
        byte[] body = java.util.Arrays.copyOfRange(packet, BODY, packet.length);
        assertEquals(words(body), words(encode(type, value)));
        return value;
    }

    private static <T> byte[] encode(Class<T> type, T value) {
        XdrWriter out = new XdrWriter(64);
        XdrCodec.of(type).encode(out, value);
        return out.toByteArray();
    }
}
