#!/usr/bin/env python3
"""Where a daemon thread's time goes, from a JFR recording: per thread group, the share of
execution and native-method samples in each stage of a call (docs/performance.md).

usage: jfr-stages.py FILE.jfr

Record with 1 ms sampling: make a copy of the JDK's profile settings with the period of
jdk.ExecutionSample and jdk.NativeMethodSample set to 1 ms, then record during the load:
  sed -e '/jdk.ExecutionSample"/,/<\/event>/ s/<setting name="period"[^>]*>[^<]*</<setting name="period">1 ms</' \
      -e '/jdk.NativeMethodSample"/,/<\/event>/ s/<setting name="period"[^>]*>[^<]*</<setting name="period">1 ms</' \
      "$JAVA_HOME/lib/jfr/profile.jfc" > /tmp/1ms.jfc
  jcmd PID JFR.start name=p settings=/tmp/1ms.jfc filename=FILE.jfr; <load>; jcmd PID JFR.stop name=p
Native samples include threads blocked in a system call (epoll_wait), so the shares are of wall
time, not CPU; a parked worker is not sampled at all. Each sample goes to the first rule that
matches a frame, walking from the leaf to the root.
"""
import json, subprocess, sys, collections
f = sys.argv[1]
def load(evname):
    out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "96", "--events", evname, f],
                         capture_output=True, text=True).stdout
    return json.loads(out)["recording"]["events"]
# first matching rule, walking from the leaf frame to the root
RULES = [
  ("spin: polling for work", ["WorkerPool.spinLocked", "EventLoop.spin"]),
  ("wait: epoll_wait", ["EPoll.wait"]),
  ("wait: parked", ["WorkerPool$Worker.sleep", "Unsafe.park"]),
  ("wake: selector.wakeup", ["EPollSelectorImpl.wakeup", "IOUtil.write1"]),
  ("wake: unpark worker", ["LockSupport.unpark", "WorkerPool$Worker.wake"]),
  ("socket read", ["SocketDispatcher.read", "IOUtil.read", "SocketChannelImpl.read"]),
  ("socket write", ["SocketDispatcher.write", "IOUtil.write", "SocketChannelImpl.write"]),
  ("frame decode", ["FrameDecoder."]),
  ("arg decode", ["RemoteProgram.decode", "XdrReader.", "RecordCodec.decode"]),
  ("reply encode", ["ReplyFrames.", "XdrWriter.", "RecordCodec.encode"]),
  ("stats", ["ServerStats", "LongAdder"]),
  ("driver/handler", ["io.jvirtd.driver.", "io.jvirtd.model.", "Calls.", "RemoteSession.connection"]),
  ("hand-off loop->worker", ["WorkerPool.submit", "ServerClient.incoming"]),
  ("hand-off worker->loop", ["ServerClient.sendReply", "ServerClient.post", "EventLoop.post", "EventLoop.execute"]),
  ("loop: flush outbox", ["ServerClient.flushOutbox"]),
  ("loop: epoll bookkeeping", ["EPollSelectorImpl", "SelectorImpl"]),
  ("dispatch", ["RemoteProgram.", "WorkerPool.work"]),
  ("loop: other", ["EventLoop.", "ServerClient."]),
]
def frames(e):
    st = e["values"]["stackTrace"]
    return [x["method"]["type"]["name"].replace("/", ".") + "." + x["method"]["name"] for x in (st["frames"] if st else [])]
groups = collections.defaultdict(collections.Counter)
for evn in ("jdk.ExecutionSample", "jdk.NativeMethodSample"):
    for e in load(evn):
        th = (e["values"]["sampledThread"]["javaName"] or "?").rstrip("0123456789")
        if not th.startswith("jvirtd"): continue
        fr = frames(e); lab = "other"
        for x in fr:
            hit = next((l for l, pats in RULES if any(p in x for p in pats)), None)
            if hit: lab = hit; break
        if lab == "other" and fr: lab = "other (" + fr[0].split(".")[-2] + "." + fr[0].split(".")[-1] + ")"
        groups[th][lab] += 1
for th, c in groups.items():
    n = sum(c.values()); print(f"== {th} ({n} samples)")
    for l, k in c.most_common(14): print(f"  {k*100/n:5.1f}%  {l}")
