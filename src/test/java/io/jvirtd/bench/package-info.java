/**
 * JMH micro-benchmarks of the hot pure-CPU pieces of a call: framing ({@code rpc.message}) and
 * the XDR codecs ({@code rpc.xdr} with the remote program's types). Run them with
 * {@code scripts/jmh.sh} (it passes its arguments to JMH); {@code BenchmarksTest} runs each
 * benchmark body once in {@code mvn verify} and checks what it produced, so they cannot rot.
 * Figures and the command that made them: docs/performance.md.
 */
package io.jvirtd.bench;
