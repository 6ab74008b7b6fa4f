package io.jvirtd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jvirtd.rpc.tls.TestPki;
import io.jvirtd.testsupport.RequiresTools;
import io.jvirtd.testsupport.Tool;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Data streams both ways through a {@code dir} pool of {@code qemu:///system}, with stock
 * virsh and python3-libvirt on real sockets (issue 13): volumes made with qemu-img, a 200 MiB
 * upload and download that arrive intact, sparse transfers that keep their holes, a client
 * killed in the middle of an upload, or of a slow download, that takes nothing but its stream
 * with it (the daemon's client memory and pooled buffers go back to where they were), ten
 * uploads at once, TLS, the stream's error when
 * a client sends more than it asked to, and pools that survive a daemon restart.
 */
@RequiresTools({Tool.VIRSH, Tool.QEMU_IMG})
class VolumeStreamsIT {

    private static final Duration T = Duration.ofSeconds(120);
    private static final long MIB = 1024 * 1024;

    @RegisterExtension
    final QemuTestRoot qemu = new QemuTestRoot();
    private int metricsPort;

    private DaemonProcess daemon(DaemonProcess.Builder b) throws IOException {
        metricsPort = DaemonProcess.freePort();
        return qemu.start(b.conf("metrics_listen_addr", "\"127.0.0.1:" + metricsPort + "\""));
    }

    private static String uri(DaemonProcess d) {
        return "qemu+unix:///system?socket=" + d.rwSocket();
    }

    private static Exec.Result run(String uri, String... args) throws IOException {
        return Virsh.run(T, uri, args);
    }

    private static String virsh(DaemonProcess d, String uri, String... args) throws IOException {
        return Virsh.succeeded(run(uri, args), d).stdout().strip();
    }

    /** A running dir pool {@code name} in the test folder. */
    private Path pool(DaemonProcess d, String name) throws IOException {
        Path dir = qemu.root().resolve("pools").resolve(name);
        virsh(d, uri(d), "pool-define-as", name, "dir", "--target", dir.toString());
        virsh(d, uri(d), "pool-build", name);
        virsh(d, uri(d), "pool-start", name);
        return dir;
    }

    private static Path randomFile(Path p, long size, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] buf = new byte[(int) MIB];
        try (OutputStream out = Files.newOutputStream(p)) {
            for (long done = 0; done < size; done += buf.length) {
                for (int i = 0; i < buf.length; i += 8) {
                    long v = r.nextLong();
                    for (int k = 0; k < 8; k++) {
                        buf[i + k] = (byte) (v >>> (8 * k));
                    }
                }
                out.write(buf, 0, (int) Math.min(buf.length, size - done));
            }
        }
        return p;
    }

    private static String sha256(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Blocks the file takes on disk (st_blocks), as {@code stat %b} shows them. */
    private static long allocatedBlocks(Path p) throws IOException {
        Exec.Result r = Exec.run(T, null, "stat", "-c", "%b", p.toString());
        assertEquals(0, r.exitCode(), r.describe());
        return Long.parseLong(r.stdout().strip());
    }

    @Test
    void volumesMadeWithQemuImgTakeTwoHundredMebibytesUpAndBackIntact() throws IOException {
        DaemonProcess d = daemon(DaemonProcess.builder());
        String uri = uri(d);
        Path dir = pool(d, "p");
        virsh(d, uri, "vol-create-as", "p", "q.qcow2", "64M", "--format", "qcow2");
        virsh(d, uri, "vol-create-as", "p", "r.raw", "256M", "--format", "raw");
        assertTrue(virsh(d, uri, "vol-info", "--pool", "p", "q.qcow2").matches("(?s).*Capacity: +64\\.00 MiB.*"),
                "qcow2 capacity from qemu-img info");
        assertTrue(virsh(d, uri, "vol-dumpxml", "--pool", "p", "q.qcow2").contains("<format type='qcow2'/>"));
        assertEquals(dir + "/r.raw", virsh(d, uri, "vol-path", "--pool", "p", "r.raw"));
        assertEquals(256 * MIB, Files.size(dir.resolve("r.raw")));

        Path src = randomFile(qemu.root().resolve("src.bin"), 200 * MIB, 13);
        Path back = qemu.root().resolve("back.bin");
        virsh(d, uri, "vol-upload", "--pool", "p", "r.raw", src.toString());
        virsh(d, uri, "vol-download", "--pool", "p", "r.raw", back.toString(), "--length", Long.toString(200 * MIB));
        assertEquals(sha256(src), sha256(back));
        assertEquals(256 * MIB, Files.size(dir.resolve("r.raw")), "the volume keeps its size");

        // a stream that ends in an error: more data than the client said it would send
        Exec.Result tooMuch = run(uri, "vol-upload", "--pool", "p", "r.raw", src.toString(), "--length", "1000");
        assertEquals(1, tooMuch.exitCode(), tooMuch.describe());
        assertTrue(tooMuch.stderr().contains("cannot write to stream: No space left on device"), tooMuch.describe());
        assertEquals("p", virsh(d, uri, "pool-list", "--name").strip(), "the connection and the pool are fine");
    }

    @Test
    void sparseTransfersKeepTheHoles() throws IOException {
        DaemonProcess d = daemon(DaemonProcess.builder());
        String uri = uri(d);
        Path dir = pool(d, "p");
        Path src = qemu.root().resolve("sparse.img");
        try (var f = new java.io.RandomAccessFile(src.toFile(), "rw")) {
            f.setLength(512 * MIB);
            byte[] data = Files.readAllBytes(randomFile(qemu.root().resolve("data.bin"), 3 * MIB, 5));
            f.seek(100 * MIB);
            f.write(data);
            f.seek(400 * MIB + 4096);
            f.write(data, 0, (int) (2 * MIB));
        }
        virsh(d, uri, "vol-create-as", "p", "s.raw", "512M", "--format", "raw", "--allocation", "0");
        virsh(d, uri, "vol-upload", "--pool", "p", "s.raw", src.toString(), "--sparse");
        Path vol = dir.resolve("s.raw");
        assertEquals(sha256(src), sha256(vol));
        assertEquals(allocatedBlocks(src), allocatedBlocks(vol), "the holes stayed holes in the volume");

        Path back = qemu.root().resolve("back.img");
        virsh(d, uri, "vol-download", "--pool", "p", "s.raw", back.toString(), "--sparse");
        assertEquals(sha256(src), sha256(back));
        assertEquals(allocatedBlocks(src), allocatedBlocks(back), "the holes came back as holes");
    }

    private long heldClientMemory() throws IOException, InterruptedException {
        return metric("jvirtd_client_memory_bytes{share=\"all\"}");
    }

    /** Pooled direct buffers that hold upload packets or unwritten download chunks now (DirectFramePool). */
    private long packetBuffersInUse() throws IOException, InterruptedException {
        return metric("jvirtd_stream_packet_buffers_in_use{server=\"libvirtd\"}");
    }

    private long metric(String series) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(r.body());
        assertTrue(m.find(), series + " in\n" + r.body());
        return (long) Double.parseDouble(m.group(1));
    }

    /**
     * A python3-libvirt client killed (SIGKILL) while it uploads: the other client's transfers
     * go on and arrive intact, and once the killed one is gone the daemon holds no more client
     * memory than before it came.
     */
    @Test
    void aClientKilledMidUploadLosesOnlyItsStream() throws Exception {
        Path python = InteropEnvironment.pythonWithLibvirt();
        DaemonProcess d = daemon(DaemonProcess.builder());
        String uri = uri(d);
        pool(d, "p");
        virsh(d, uri, "vol-create-as", "p", "victim.raw", "1G", "--format", "raw", "--allocation", "0");
        virsh(d, uri, "vol-create-as", "p", "other.raw", "64M", "--format", "raw");
        long before = heldClientMemory();

        String script = String.join("\n",
                "import libvirt, os, sys, time",
                "c = libvirt.open(sys.argv[1])",
                "v = c.storagePoolLookupByName('p').storageVolLookupByName('victim.raw')",
                "st = c.newStream(0)",
                "v.upload(st, 0, 0, 0)",
                "chunk = os.urandom(256 * 1024)",
                "for i in range(128):",
                "    st.send(chunk)",
                "print('sending', flush=True)",
                // paced (at most ~50 MiB/s) so that the 1 GiB volume lasts 20 s: the victim must
                // still be uploading when it is killed, however fast the daemon writes
                "while True:",
                "    st.send(chunk)",
                "    time.sleep(0.005)",
                "");
        ProcessBuilder pb = new ProcessBuilder(python.toString(), "-c", script, uri).redirectErrorStream(true);
        Path home = Exec.clientEnvironment(pb);
        Process victim = pb.start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(victim.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("sending", out.readLine(), "the victim's upload is under way");

            Path src = randomFile(qemu.root().resolve("other.bin"), 48 * MIB, 7);
            Path back = qemu.root().resolve("other.back");
            virsh(d, uri, "vol-upload", "--pool", "p", "other.raw", src.toString());
            virsh(d, uri, "vol-download", "--pool", "p", "other.raw", back.toString(), "--length", Long.toString(48 * MIB));
            assertEquals(sha256(src), sha256(back), "the other client's data while the victim uploads");
            assertTrue(victim.isAlive(), "still uploading when killed");
            assertTrue(awaitPacketBuffersInUse() > 0, "the victim's packets are read into pooled buffers");
        } finally {
            victim.destroyForcibly();
            victim.waitFor(10, TimeUnit.SECONDS);
            Exec.deleteTree(home);
        }
        assertAllGivenBack(d, uri, before, "packet buffer of the killed upload");
    }

    /**
     * A python3-libvirt client killed while it downloads slowly: the chunks that waited for it
     * (in pooled direct buffers) all go back, and the daemon holds no more client memory than
     * before it came.
     */
    @Test
    void aClientKilledMidDownloadGivesBackEveryBuffer() throws Exception {
        Path python = InteropEnvironment.pythonWithLibvirt();
        DaemonProcess d = daemon(DaemonProcess.builder());
        String uri = uri(d);
        pool(d, "p");
        virsh(d, uri, "vol-create-as", "p", "victim.raw", "1G", "--format", "raw", "--allocation", "0");
        long before = heldClientMemory();

        String script = String.join("\n",
                "import libvirt, sys, time",
                "c = libvirt.open(sys.argv[1])",
                "v = c.storagePoolLookupByName('p').storageVolLookupByName('victim.raw')",
                "st = c.newStream(0)",
                "v.download(st, 0, 0, 0)",
                "for i in range(8):",
                "    st.recv(256 * 1024)",
                "print('receiving', flush=True)",
                // paced (at most ~50 MiB/s): the daemon's chunks wait for it, in the socket and in the daemon
                "while True:",
                "    st.recv(256 * 1024)",
                "    time.sleep(0.005)",
                "");
        ProcessBuilder pb = new ProcessBuilder(python.toString(), "-c", script, uri).redirectErrorStream(true);
        Path home = Exec.clientEnvironment(pb);
        Process victim = pb.start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(victim.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("receiving", out.readLine(), "the victim's download is under way");
            assertTrue(awaitPacketBuffersInUse() > 0, "chunks wait for the slow reader in pooled buffers");
            assertTrue(victim.isAlive(), "still downloading when killed");
        } finally {
            victim.destroyForcibly();
            victim.waitFor(10, TimeUnit.SECONDS);
            Exec.deleteTree(home);
        }
        assertAllGivenBack(d, uri, before, "chunk buffer of the killed download");
    }

    /** Polls (at most 10 s) until some pooled packet buffer is in use; returns the count. */
    private long awaitPacketBuffersInUse() throws Exception {
        long seen = 0;
        for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); seen == 0 && System.nanoTime() < until; ) {
            seen = packetBuffersInUse();
        }
        return seen;
    }

    /**
     * After a client was killed mid-transfer: within 20 s the daemon holds no more client memory
     * than {@code before} and no pooled buffer, is alive and serves the next client.
     */
    private void assertAllGivenBack(DaemonProcess d, String uri, long before, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long held = heldClientMemory();
        long buffers = packetBuffersInUse();
        while ((held > before || buffers > 0) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            held = heldClientMemory();
            buffers = packetBuffersInUse();
        }
        assertTrue(held <= before, "client memory back to " + before + " bytes, not " + held + "\n" + d.describe());
        assertEquals(0, buffers, "every pooled " + what + " given back\n" + d.describe());
        assertTrue(d.isAlive());
        assertTrue(virsh(d, uri, "vol-list", "p").contains("victim.raw"), "the daemon serves the next client");
    }

    @Test
    void tenConcurrentUploadsFromTenClientsArriveIntact() throws Exception {
        DaemonProcess d = daemon(DaemonProcess.builder());
        String uri = uri(d);
        pool(d, "p");
        int n = 10;
        List<Path> sources = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            virsh(d, uri, "vol-create-as", "p", "v" + i, "24M", "--format", "raw");
            sources.add(randomFile(qemu.root().resolve("src" + i), 24 * MIB, 100 + i));
        }
        ExecutorService clients = Executors.newFixedThreadPool(n);
        try {
            List<CompletableFuture<Exec.Result>> uploads = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String vol = "v" + i;
                Path src = sources.get(i);
                uploads.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return run(uri, "vol-upload", "--pool", "p", vol, src.toString());
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, clients));
            }
            for (CompletableFuture<Exec.Result> u : uploads) {
                Exec.Result r = u.get(180, TimeUnit.SECONDS);
                assertEquals(0, r.exitCode(), r.describe());
            }
        } finally {
            clients.shutdownNow();
        }
        for (int i = 0; i < n; i++) {
            Path back = qemu.root().resolve("back" + i);
            virsh(d, uri, "vol-download", "--pool", "p", "v" + i, back.toString());
            assertEquals(sha256(sources.get(i)), sha256(back), "volume v" + i);
        }
    }

    @Test
    @RequiresTools({Tool.CERTTOOL, Tool.OPENSSL})
    void uploadAndDownloadOverTls() throws IOException {
        TestPki pki = TestPki.get();
        int tlsPort = DaemonProcess.freePort();
        DaemonProcess d = daemon(DaemonProcess.builder()
                .conf("listen_tls", "1")
                .conf("tls_port", "\"" + tlsPort + "\"")
                .conf("key_file", "\"" + pki.serverKey() + "\"")
                .conf("cert_file", "\"" + pki.serverCert() + "\"")
                .conf("ca_file", "\"" + pki.caCert() + "\"")
                .conf("auth_tls", "\"none\"")
                .conf("keepalive_interval", "-1"));
        pool(d, "p");
        String tls = "qemu+tls://127.0.0.1:" + tlsPort + "/system?pkipath=" + pki.pkiDir("good");
        virsh(d, tls, "vol-create-as", "p", "t.raw", "40M", "--format", "raw");
        Path src = randomFile(qemu.root().resolve("tls.bin"), 40 * MIB, 3);
        Path back = qemu.root().resolve("tls.back");
        virsh(d, tls, "vol-upload", "--pool", "p", "t.raw", src.toString());
        // No keepalive on either side (virsh -k 0, the daemon's -1): nothing but the daemon's own
        // writes can end the download. A TLS record holding the last data packet and the end of
        // the stream left that end unseen by libvirt's client until the next keepalive PING.
        Exec.Result r = Exec.run(Duration.ofSeconds(60), null, InteropEnvironment.virsh().toString(), "-q", "-k", "0",
                "-c", tls, "vol-download", "--pool", "p", "t.raw", back.toString());
        assertFalse(r.timedOut(), () -> "the download did not end\n" + r.describe());
        assertEquals(0, r.exitCode(), r::describe);
        assertEquals(sha256(src), sha256(back));
    }

    @Test
    void poolsAndVolumesSurviveARestartAndBadInputChangesNothing() throws IOException {
        DaemonProcess d = daemon(DaemonProcess.builder());
        String uri = uri(d);
        Path dir = pool(d, "p");
        virsh(d, uri, "pool-autostart", "p");
        virsh(d, uri, "vol-create-as", "p", "keep.qcow2", "16M", "--format", "qcow2");
        Path tdir = qemu.root().resolve("pools/t");
        virsh(d, uri, "pool-create-as", "t", "dir", "--target", tdir.toString(), "--build");

        Exec.Result slash = run(uri, "vol-create-as", "p", "../escape", "1M");
        assertTrue(slash.stderr().contains("Requested operation is not valid: volume name '../escape' cannot contain '/'"),
                slash.describe());
        Exec.Result size = run(uri, "vol-create", "p", Files.writeString(qemu.root().resolve("bad.xml"),
                "<volume><name>bad</name><capacity>12XB</capacity></volume>").toString());
        assertTrue(size.stderr().contains("malformed capacity element"), size.describe());
        Exec.Result outside = run(uri, "vol-info", "/etc/hostname");
        assertTrue(outside.stderr().contains("no storage vol with matching path '/etc/hostname'"), outside.describe());
        try (var files = Files.list(dir)) {
            assertEquals(List.of("keep.qcow2"), files.map(f -> f.getFileName().toString()).toList(),
                    "nothing was made by the bad calls");
        }

        d.close();
        DaemonProcess d2 = daemon(DaemonProcess.builder());
        String uri2 = uri(d2);
        assertEquals(List.of("p active yes", "t active no"), virsh(d2, uri2, "pool-list", "--all").lines()
                .map(l -> l.trim().replaceAll(" +", " ")).toList(), "the running transient pool too");
        assertTrue(virsh(d2, uri2, "vol-list", "p").contains("keep.qcow2"));

        // a pool whose folder vanished stops on refresh, with libvirt's error
        Exec.deleteTree(tdir);
        Exec.Result gone = run(uri2, "pool-refresh", "t");
        assertTrue(gone.stderr().contains("cannot open directory '" + tdir + "': No such file or directory"),
                gone.describe());
        assertEquals("p", virsh(d2, uri2, "pool-list", "--name").strip(), "t stopped and, being transient, is gone");
    }
}
