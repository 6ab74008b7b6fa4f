package io.jvirtd.daemon.remote;

import static io.jvirtd.protocol.remote.RemoteLimits.*;
import static io.jvirtd.protocol.remote.RemoteProcedure.*;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.domain.DomainBlockJobInfo;
import io.jvirtd.protocol.remote.RemoteTypes.*;

/**
 * Block jobs and raw disk access: commit, pull, rebase, copy, the job's info, speed and abort
 * (with pivot), block resize and peek, with the public API's checks of libvirt-domain.c.
 * Stateless; worker threads.
 */
final class BlockJobCalls {

    private static final VirErrorDomain D = VirErrorDomain.DOMAIN;
    /** virDomainBlockRebaseFlags that only a copy may carry (SHALLOW, REUSE_EXT, COPY_RAW, COPY_DEV). */
    private static final int REBASE_COPY_ONLY = 1 | 2 | 4 | 32;
    private static final int REBASE_COPY = 8;

    private BlockJobCalls() {
    }

    static void bind(ProcedureTable t) {
        t.bind(DOMAIN_BLOCK_COMMIT, DomainBlockCommitArgs.class, Void.class, (s, a) -> {
            s.domains().domainBlockCommit(Handles.dom(a.dom()), a.disk(), a.base(), a.top(), a.bandwidth(),
                    a.flags());
            return null;
        });
        t.bind(DOMAIN_BLOCK_PULL, DomainBlockPullArgs.class, Void.class, (s, a) -> {
            s.domains().domainBlockPull(Handles.dom(a.dom()), a.path(), a.bandwidth(), a.flags());
            return null;
        });
        t.bind(DOMAIN_BLOCK_REBASE, DomainBlockRebaseArgs.class, Void.class, (s, a) -> {
            if ((a.flags() & REBASE_COPY) != 0) {
                ApiChecks.nonNull(a.base(), "base", "virDomainBlockRebase", D);
            } else if ((a.flags() & REBASE_COPY_ONLY) != 0) {
                throw ApiChecks.invalidArg("flags", "virDomainBlockRebase", D, "use of flags requires a copy job");
            }
            s.domains().domainBlockRebase(Handles.dom(a.dom()), a.path(), a.base(), a.bandwidth(), a.flags());
            return null;
        });
        t.bind(DOMAIN_BLOCK_COPY, DomainBlockCopyArgs.class, Void.class, (s, a) -> {
            s.domains().domainBlockCopy(Handles.dom(a.dom()), a.path(), a.destxml(),
                    TypedParams.fromWire(a.params(), REMOTE_DOMAIN_BLOCK_COPY_PARAMETERS_MAX), a.flags());
            return null;
        });
        t.bind(DOMAIN_GET_BLOCK_JOB_INFO, DomainGetBlockJobInfoArgs.class, DomainGetBlockJobInfoRet.class, (s, a) -> {
            DomainBlockJobInfo i = s.domains().domainGetBlockJobInfo(Handles.dom(a.dom()), a.path(), a.flags());
            return i == null ? new DomainGetBlockJobInfoRet(0, 0, 0, 0, 0)
                    : new DomainGetBlockJobInfoRet(1, i.type(), i.bandwidth(), i.cur(), i.end());
        });
        t.bind(DOMAIN_BLOCK_JOB_SET_SPEED, DomainBlockJobSetSpeedArgs.class, Void.class, (s, a) -> {
            s.domains().domainBlockJobSetSpeed(Handles.dom(a.dom()), a.path(), a.bandwidth(), a.flags());
            return null;
        });
        t.bind(DOMAIN_BLOCK_JOB_ABORT, DomainBlockJobAbortArgs.class, Void.class, (s, a) -> {
            s.domains().domainBlockJobAbort(Handles.dom(a.dom()), a.path(), a.flags());
            return null;
        });
        t.bind(DOMAIN_BLOCK_RESIZE, DomainBlockResizeArgs.class, Void.class, (s, a) -> {
            s.domains().domainBlockResize(Handles.dom(a.dom()), a.disk(), a.size(), a.flags());
            return null;
        });
        t.bind(DOMAIN_BLOCK_PEEK, DomainBlockPeekArgs.class, DomainBlockPeekRet.class, (s, a) -> {
            if (Integer.compareUnsigned(a.size(), REMOTE_DOMAIN_BLOCK_PEEK_BUFFER_MAX) > 0) { // unsigned
                throw VirException.internalError(VirErrorDomain.RPC, "size > maximum buffer size");
            }
            ApiChecks.nonEmpty(a.path(), "disk", "virDomainBlockPeek", D);
            return new DomainBlockPeekRet(s.domains().domainBlockPeek(Handles.dom(a.dom()), a.path(), a.offset(),
                    a.size(), a.flags()));
        });
    }
}
