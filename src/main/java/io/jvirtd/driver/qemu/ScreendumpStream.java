package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.stream.DataStream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The picture QEMU's screendump wrote, sent to the client as libvirt's virFDStreamOpenFile sends
 * it: the file is open and already removed from the run folder, and is read a buffer at a time
 * as the stream goes out, so a large screen never sits whole in the daemon's memory.
 *
 * <p>One thread at a time (the stream's service job, a worker); blocking file reads, never on the
 * event loop.
 */
final class ScreendumpStream implements DataStream {

    private final FileChannel file;

    ScreendumpStream(FileChannel file) {
        this.file = file;
    }

    @Override
    public int read(ByteBuffer dst) {
        try {
            return file.read(dst);
        } catch (IOException e) {
            throw VirException.systemError(VirErrorDomain.STREAMS, 5, "cannot read from screendump", e.getMessage());
        }
    }

    @Override
    public void finish() {
        close();
    }

    @Override
    public void abort() {
        close();
    }

    private void close() {
        try {
            file.close();
        } catch (IOException e) {
            // nothing was written through it
        }
    }
}
