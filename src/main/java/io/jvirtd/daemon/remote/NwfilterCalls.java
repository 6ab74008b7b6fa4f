package io.jvirtd.daemon.remote;

import static io.jvirtd.protocol.remote.RemoteProcedure.*;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.nwfilter.NwfilterBindingRef;
import io.jvirtd.model.nwfilter.NwfilterRef;
import io.jvirtd.protocol.remote.RemoteLimits;
import io.jvirtd.protocol.remote.RemoteTypes.*;

import java.util.ArrayList;
import java.util.List;

/**
 * The remote program's calls that list and look up network filters and their bindings, with
 * libvirt 9.0's public-API checks (src/libvirt-nwfilter.c) and libvirtd's wire limits before the
 * driver is called. The other nwfilter procedures stay unbound (NO_SUPPORT). Stateless; worker
 * threads.
 */
final class NwfilterCalls {

    private static final VirErrorDomain F = VirErrorDomain.NWFILTER;

    private NwfilterCalls() {
    }

    static void bind(ProcedureTable t) {
        t.bind(CONNECT_NUM_OF_NWFILTERS, Void.class, ConnectNumOfNwfiltersRet.class,
                (s, a) -> new ConnectNumOfNwfiltersRet(s.connection().nwfilters().connectNumOfNWFilters()));
        t.bind(CONNECT_LIST_NWFILTERS, ConnectListNwfiltersArgs.class, ConnectListNwfiltersRet.class, (s, a) -> {
            if (a.maxnames() > RemoteLimits.REMOTE_NWFILTER_LIST_MAX) {
                throw VirException.rpc(VirErrorDomain.RPC, "maxnames > REMOTE_NWFILTER_LIST_MAX");
            }
            ApiChecks.nonNegative(a.maxnames(), "maxnames", "virConnectListNWFilters", F);
            return new ConnectListNwfiltersRet(
                    ListArgs.first(s.connection().nwfilters().connectListNWFilters(a.maxnames()), a.maxnames()));
        });
        t.bind(CONNECT_LIST_ALL_NWFILTERS, ConnectListAllNwfiltersArgs.class, ConnectListAllNwfiltersRet.class,
                (s, a) -> {
                    List<NwfilterRef> all = s.connection().nwfilters().connectListAllNWFilters(a.flags());
                    ListArgs.tooMany("nwfilters", all.size(), RemoteLimits.REMOTE_NWFILTER_LIST_MAX);
                    List<NonnullNwfilter> out = new ArrayList<>();
                    if (a.need_results() != 0) {
                        all.forEach(f -> out.add(wire(f)));
                    }
                    return new ConnectListAllNwfiltersRet(out, all.size());
                });
        t.bind(NWFILTER_LOOKUP_BY_NAME, NwfilterLookupByNameArgs.class, NwfilterLookupByNameRet.class,
                (s, a) -> new NwfilterLookupByNameRet(wire(s.connection().nwfilters().nwfilterLookupByName(a.name()))));
        t.bind(NWFILTER_LOOKUP_BY_UUID, NwfilterLookupByUuidArgs.class, NwfilterLookupByUuidRet.class,
                (s, a) -> new NwfilterLookupByUuidRet(wire(s.connection().nwfilters().nwfilterLookupByUUID(a.uuid()))));
        t.bind(CONNECT_LIST_ALL_NWFILTER_BINDINGS, ConnectListAllNwfilterBindingsArgs.class,
                ConnectListAllNwfilterBindingsRet.class, (s, a) -> {
                    List<NwfilterBindingRef> all = s.connection().nwfilters().connectListAllNWFilterBindings(a.flags());
                    ListArgs.tooMany("nwfilter bindings", all.size(), RemoteLimits.REMOTE_NWFILTER_BINDING_LIST_MAX);
                    List<NonnullNwfilterBinding> out = new ArrayList<>();
                    if (a.need_results() != 0) {
                        all.forEach(b -> out.add(new NonnullNwfilterBinding(b.portdev(), b.filtername())));
                    }
                    return new ConnectListAllNwfilterBindingsRet(out, all.size());
                });
        t.bind(NWFILTER_BINDING_LOOKUP_BY_PORT_DEV, NwfilterBindingLookupByPortDevArgs.class,
                NwfilterBindingLookupByPortDevRet.class, (s, a) -> {
                    NwfilterBindingRef b = s.connection().nwfilters().nwfilterBindingLookupByPortDev(a.name());
                    return new NwfilterBindingLookupByPortDevRet(new NonnullNwfilterBinding(b.portdev(), b.filtername()));
                });
    }

    private static NonnullNwfilter wire(NwfilterRef f) {
        return new NonnullNwfilter(f.name(), f.uuid());
    }
}
