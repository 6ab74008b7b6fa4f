#!/usr/bin/env python3
"""Generates the remote program's wire declarations from libvirt's remote_protocol.x.

Writes, in src/main/java/io/jvirtd/protocol/remote/:
  RemoteTypes.java           records/unions for every struct, union and typedef reachable from
                             the remote_<proc>_args / _ret / _msg structs of every procedure
  RemoteLimits.java          every `const` of the .x file, resolved to its value
  RemoteSignatureTable.java  (args, ret) of every call and (msg) of every event procedure

Rerun (Python 3, stdlib only) after a libvirt upgrade, from the repository root:
  python3 docs/dev/gen_remote_types.py [/path/to/remote_protocol.x]
The default .x path is /tmp/libvirt-src/libvirt-9.0.0/src/remote/remote_protocol.x. The output is
deterministic; never edit the generated files by hand, change this script instead.

Naming rules:
  remote_foo_bar (struct/union)   -> FooBar (CamelCase of the name without "remote_"), so
                                     remote_<proc>_args/_ret/_msg -> <Proc>Args/<Proc>Ret/<Proc>Msg
  struct fields                   -> record components, same names, same (wire) order
  int, unsigned int, enums        -> int          hyper, unsigned hyper -> long
  char, short, unsigned char/short-> int (a word on the wire)   double -> double   bool -> boolean
  string x<N>, remote_nonnull_string -> String (@XdrMax(N) unless N is REMOTE_STRING_MAX)
  remote_string                   -> @XdrOptional String
  char x[N] / char x<N>           -> @XdrChars @XdrFixed(N) / @XdrMax(N) String
                                     (SASL data, binary, is @XdrChars byte[])
  opaque x[N] / opaque x<N>       -> @XdrFixed(N) / @XdrMax(N) byte[]
  T *x (and typedefs of pointers) -> @XdrOptional T
  T x<N>                          -> @XdrMax(N) List<T>
  union switch (int d)            -> @XdrUnion sealed interface, arms nested @XdrArm records
"""

import os
import re
import sys
import textwrap

XFILE = '/tmp/libvirt-src/libvirt-9.0.0/src/remote/remote_protocol.x'
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..',
                   'src', 'main', 'java', 'io', 'jvirtd', 'protocol', 'remote')

# Constants the .x file takes from libvirt's public headers (include/libvirt/*.h).
EXTERNAL = {
    'VIR_UUID_BUFLEN': ('16', 'libvirt-host.h: a raw UUID'),
    'VIR_SECURITY_MODEL_BUFLEN': ('256 + 1', 'libvirt-host.h: 256 chars and the NUL'),
    'VIR_SECURITY_LABEL_BUFLEN': ('4096 + 1', 'libvirt-host.h: 4096 chars and the NUL'),
    'VIR_SECURITY_DOI_BUFLEN': ('256 + 1', 'libvirt-host.h: 256 chars and the NUL'),
    'VIR_TYPED_PARAM_INT': ('1', None),
    'VIR_TYPED_PARAM_UINT': ('2', None),
    'VIR_TYPED_PARAM_LLONG': ('3', None),
    'VIR_TYPED_PARAM_ULLONG': ('4', None),
    'VIR_TYPED_PARAM_DOUBLE': ('5', None),
    'VIR_TYPED_PARAM_BOOLEAN': ('6', None),
    'VIR_TYPED_PARAM_STRING': ('7', None),
}

# Arm record names of remote_typed_param_value (kept from the hand-written declarations).
ARM_NAMES = {
    'VIR_TYPED_PARAM_INT': 'IntValue',
    'VIR_TYPED_PARAM_UINT': 'UIntValue',
    'VIR_TYPED_PARAM_LLONG': 'LLongValue',
    'VIR_TYPED_PARAM_ULLONG': 'ULLongValue',
    'VIR_TYPED_PARAM_DOUBLE': 'DoubleValue',
    'VIR_TYPED_PARAM_BOOLEAN': 'BooleanValue',
    'VIR_TYPED_PARAM_STRING': 'StringValue',
}

# char arrays that carry binary data rather than a C string: byte[] instead of String.
BINARY_CHARS = {
    ('remote_auth_sasl_start_args', 'data'), ('remote_auth_sasl_start_ret', 'data'),
    ('remote_auth_sasl_step_args', 'data'), ('remote_auth_sasl_step_ret', 'data'),
}

# Hand-written notes kept on some declarations (javadoc body after "remote_x.").
NOTES = {
    'remote_nonnull_domain': 'id is -1 for an inactive domain.',
    'remote_typed_param_value': 'The discriminant is virTypedParameterType.',
    'remote_node_get_cpu_stats': 'One element of NODE_GET_CPU_STATS.',
    'remote_node_get_memory_stats': 'One element of NODE_GET_MEMORY_STATS.',
    'remote_auth_list_ret': 'Elements are remote_auth_type: 0 NONE, 1 SASL, 2 POLKIT.',
    'remote_connect_open_args': 'Stock clients always send name (maybe empty); flags 1 = VIR_CONNECT_RO.',
    'remote_node_get_info_ret': 'model is {@code char model[32]}: 128 bytes on the wire.',
    'remote_node_get_security_model_ret':
        '{@code char model<>}/{@code char doi<>}: C strings, the NUL counted on the wire.',
    'remote_connect_list_all_domains_args': 'flags: VIR_CONNECT_LIST_DOMAINS_* (1 ACTIVE, 2 INACTIVE, ...).',
    'remote_domain_get_info_ret':
        'state is an {@code unsigned char}, nrVirtCpu an {@code unsigned short}: 4 bytes each.',
    'remote_domain_event_callback_lifecycle_msg':
        'callbackID names the client\'s registration; msg is the legacy lifecycle body.',
}
ARM_NOTES = {'VIR_TYPED_PARAM_BOOLEAN': 'an int, 0 or 1',
             'VIR_TYPED_PARAM_STRING': 'only sent when the call\'s flags allow strings'}

JAVA_RESERVED = set('''abstract assert boolean break byte case catch char class const continue
default do double else enum extends final finally float for goto if implements import instanceof
int interface long native new package private protected public return short static strictfp super
switch synchronized this throw throws transient try void volatile while true false null record
var yield sealed permits hashCode toString getClass notify notifyAll wait clone finalize
equals'''.split())


def fail(msg):
    sys.exit('gen_remote_types: ' + msg)


def strip(text):
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    return '\n'.join(l for l in text.splitlines() if not l.lstrip().startswith('%'))


class Decl:
    """One field/arm/typedef declaration: base type, name, and array/pointer shape."""

    def __init__(self, text):
        text = ' '.join(text.split())
        m = re.fullmatch(r'(.+?)\s*(\*)?\s*(\w+)\s*(?:([<\[])\s*(\w*)\s*[>\]])?', text)
        if not m:
            fail('cannot parse declaration: ' + text)
        self.type = ' '.join(m.group(1).split())
        self.pointer = m.group(2) is not None
        self.name = m.group(3)
        self.shape = {'<': 'var', '[': 'fixed'}.get(m.group(4))  # None: scalar
        self.bound = m.group(5) or None
        if self.type == 'void':
            self.name = None
        if self.shape == 'fixed' and not self.bound:
            fail('fixed array without size: ' + text)


class Spec:
    def __init__(self, path):
        src = strip(open(path).read())
        self.consts = {}    # name -> int
        self.order = []     # const names in file order
        self.typedefs = {}  # name -> Decl
        self.structs = {}   # name -> [Decl]
        self.unions = {}    # name -> (discriminant Decl, [(case, Decl)])
        self.enums = {}     # name -> [(member, value)]
        self.defs = []      # struct/union names in file order
        pos = 0
        pat = re.compile(r'\s*(const|typedef|struct|union|enum|program)\b')
        while True:
            m = pat.match(src, pos)
            if not m:
                if src[pos:].strip():
                    fail('cannot parse near: ' + src[pos:pos + 80])
                break
            kind = m.group(1)
            if kind == 'const':
                c = re.compile(r'\s*const\s+(\w+)\s*=\s*([^;]+);').match(src, pos)
                self.consts[c.group(1)] = self.value(c.group(2).strip())
                self.order.append(c.group(1))
                pos = c.end()
            elif kind == 'typedef':
                end = src.index(';', pos)
                d = Decl(src[m.end():end])
                self.typedefs[d.name] = d
                pos = end + 1
            elif kind == 'struct':
                s = re.compile(r'\s*struct\s+(\w+)\s*\{(.*?)\}\s*;', re.S).match(src, pos)
                body = [x for x in s.group(2).split(';') if x.strip()]
                self.structs[s.group(1)] = [Decl(x) for x in body]
                self.defs.append(s.group(1))
                pos = s.end()
            elif kind == 'union':
                u = re.compile(r'\s*union\s+(\w+)\s+switch\s*\(([^)]*)\)\s*\{(.*?)\}\s*;',
                               re.S).match(src, pos)
                arms = []
                for a in re.finditer(r'case\s+(\w+)\s*:\s*([^;]+);', u.group(3)):
                    arms.append((a.group(1), Decl(a.group(2))))
                if 'default' in u.group(3):
                    fail('union default arms are not supported: ' + u.group(1))
                self.unions[u.group(1)] = (Decl(u.group(2)), arms)
                self.defs.append(u.group(1))
                pos = u.end()
            elif kind == 'enum':
                e = re.compile(r'\s*enum\s+(\w+)\s*\{(.*?)\}\s*;', re.S).match(src, pos)
                members = []
                for item in e.group(2).split(','):
                    if item.strip():
                        k, v = item.split('=')
                        members.append((k.strip(), self.value(v.strip())))
                self.enums[e.group(1)] = members
                pos = e.end()
            else:
                fail('program definitions are not expected')

    def value(self, text):
        if re.fullmatch(r'-?(0x[0-9a-fA-F]+|\d+)', text):
            return int(text, 0)
        if text in self.consts:
            return self.consts[text]
        if text in EXTERNAL:
            return eval(EXTERNAL[text][0], {})  # "256 + 1": plain arithmetic from the table
        fail('unknown constant ' + text)


def camel(xname):
    if xname.startswith('remote_'):
        xname = xname[len('remote_'):]
    return ''.join(p[:1].upper() + p[1:] for p in xname.split('_'))


BOXED = {'int': 'Integer', 'long': 'Long', 'double': 'Double', 'boolean': 'Boolean'}
SCALARS = {'int': 'int', 'unsigned int': 'int', 'unsigned': 'int', 'hyper': 'long',
           'unsigned hyper': 'long', 'char': 'int', 'unsigned char': 'int', 'short': 'int',
           'unsigned short': 'int', 'double': 'double', 'bool': 'boolean'}


class Emitter:
    def __init__(self, spec):
        self.spec = spec
        self.used_consts = set()
        self.reachable = set()

    def bound(self, b):
        if b is None:
            return None
        if re.fullmatch(r'\d+', b):
            return b
        if b not in self.spec.consts and b not in EXTERNAL:
            fail('unknown bound ' + b)
        self.used_consts.add(b)
        return b

    def resolve(self, owner, d):
        """(java type, [annotations]) of a declaration, following typedefs."""
        t, pointer, shape, bound = d.type, d.pointer, d.shape, d.bound
        if shape and t not in ('string', 'opaque', 'char'):
            # An array of some type T: List<T>, T itself declared without annotations.
            if shape == 'fixed':
                fail('%s.%s: fixed array of %s is not supported by the codec' % (owner, d.name, t))
            if pointer:
                fail('%s.%s: pointer to an array' % (owner, d.name))
            if not bound:
                fail('%s.%s: unbounded array' % (owner, d.name))
            element = Decl('%s %s' % (t, d.name))
            et, eann = self.resolve(owner, element)
            if eann:
                fail('%s.%s: List elements carry no annotations (%s)' % (owner, d.name, eann))
            return 'List<%s>' % BOXED.get(et, et), ['@XdrMax(%s)' % self.bound(bound)]
        # Follow typedef chains: a typedef contributes its own shape/pointer when the use has none.
        while t in self.spec.typedefs:
            td = self.spec.typedefs[t]
            if shape and td.shape:
                fail('%s.%s: array of array-typedef %s' % (owner, d.name, t))
            if td.pointer and shape:
                fail('%s.%s: array of pointer-typedef %s (List elements carry no '
                     'annotations)' % (owner, d.name, t))
            if td.pointer and pointer:
                fail('%s.%s: pointer to pointer' % (owner, d.name))
            pointer = pointer or td.pointer
            if td.shape:
                shape, bound = td.shape, td.bound
            t = td.type
        ann = []
        if pointer:
            ann.append('@XdrOptional')
        if t == 'string':
            if shape == 'fixed':
                fail('%s.%s: fixed string' % (owner, d.name))
            if bound and bound != 'REMOTE_STRING_MAX':
                ann.append('@XdrMax(%s)' % self.bound(bound))
            return 'String', ann
        if t == 'opaque':
            if shape == 'fixed':
                ann.append('@XdrFixed(%s)' % self.bound(bound))
            elif bound:
                ann.append('@XdrMax(%s)' % self.bound(bound))
            else:
                fail('%s.%s: scalar opaque' % (owner, d.name))
            return 'byte[]', ann
        if t == 'char' and shape:
            ann.append('@XdrChars')
            ann.append('@Xdr%s(%s)' % ('Fixed' if shape == 'fixed' else 'Max', self.bound(bound)))
            return ('byte[]' if (owner, d.name) in BINARY_CHARS else 'String'), ann
        if t in SCALARS or t in self.spec.enums:
            jt = SCALARS.get(t, 'int')
        elif t in self.spec.structs or t in self.spec.unions:
            jt = camel(t)
            self.reach(t)
        else:
            fail('%s.%s: unknown type %s' % (owner, d.name, t))
        if shape == 'fixed':
            fail('%s.%s: fixed array of %s is not supported by the codec' % (owner, d.name, t))
        if shape == 'var':
            if not bound:
                fail('%s.%s: unbounded array' % (owner, d.name))
            ann.append('@XdrMax(%s)' % self.bound(bound))
            return 'List<%s>' % BOXED.get(jt, jt), ann
        if pointer:
            jt = BOXED.get(jt, jt)
        return jt, ann

    def reach(self, name):
        if name in self.reachable:
            return
        self.reachable.add(name)
        if name in self.spec.structs:
            for d in self.spec.structs[name]:
                self.resolve(name, d)
        else:
            for _, d in self.spec.unions[name][1]:
                if d.name:
                    self.resolve(name, d)

    def components(self, owner, decls):
        out = []
        for d in decls:
            if d.name in JAVA_RESERVED:
                fail('%s.%s: component name is reserved in Java' % (owner, d.name))
            jt, ann = self.resolve(owner, d)
            out.append(' '.join(ann + [jt, d.name]))
        return out


def javadoc(indent, text, width=100):
    one = '%s/** %s */' % (indent, text)
    if len(one) <= width:
        return [one]
    lines = textwrap.wrap(text, width - len(indent) - 3, break_on_hyphens=False)
    return [indent + '/**'] + [indent + ' * ' + l for l in lines] + [indent + ' */']


def record_line(indent, head, comps, tail, width=100):
    """A record declaration wrapped at `width` like the hand-written ones."""
    one = '%s%s(%s)%s' % (indent, head, ', '.join(comps), tail)
    if len(one) <= width:
        return [one]
    lines = []
    cur = '%s%s(' % (indent, head)
    cont = indent + ' ' * 8
    for i, c in enumerate(comps):
        piece = c + (', ' if i < len(comps) - 1 else ')' + tail)
        if len(cur) + len(piece.rstrip()) > width:
            lines.append(cur.rstrip())
            cur = cont
        if len(cur) + len(piece.rstrip()) > width and piece.startswith('@'):
            # Too long even alone: the annotations on one line, the rest on the next.
            cut = piece.rindex(') ', 0, piece.index(' ' + c.split()[-1])) + 1
            lines.append(cur + piece[:cut])
            cur = cont + piece[cut + 1:]
            continue
        cur += piece
    lines.append(cur.rstrip())
    return lines


def procedures(spec):
    members = spec.enums.get('remote_procedure')
    if not members:
        fail('no enum remote_procedure')
    return [(k[len('REMOTE_PROC_'):], v) for k, v in members]


def generate(xfile):
    spec = Spec(xfile)
    em = Emitter(spec)
    procs = procedures(spec)
    calls, events = [], []
    for name, num in procs:
        stem = 'remote_' + name.lower()
        msg = stem + '_msg'
        if msg in spec.structs:
            if stem + '_args' in spec.structs or stem + '_ret' in spec.structs:
                fail(name + ' has both a _msg and _args/_ret')
            em.reach(msg)
            events.append((name, camel(msg)))
            continue
        sides = []
        for side in ('_args', '_ret'):
            if stem + side in spec.structs:
                em.reach(stem + side)
                sides.append(camel(stem + side))
            else:
                sides.append(None)
        calls.append((name, sides[0], sides[1]))

    # ---- RemoteTypes.java ----
    body = []
    for xname in spec.defs:
        if xname not in em.reachable:
            continue
        jname = camel(xname)
        note = NOTES.get(xname)
        body.append('')
        body.extend(javadoc('    ', '%s.%s' % (xname, (' ' + note) if note else '')))
        if xname in spec.structs:
            comps = em.components(xname, spec.structs[xname])
            body.extend(record_line('    ', 'public record ' + jname, comps, ' { }'))
        else:
            disc, arms = spec.unions[xname]
            if em.resolve(xname, disc)[0] != 'int':
                fail(xname + ': discriminant must be an int')
            body.append('    @XdrUnion')
            body.append('    public sealed interface %s {' % jname)
            for i, (case, d) in enumerate(arms):
                value = spec.value(case)
                arm = ARM_NAMES.get(case) or (camel(d.name) + 'Arm' if d.name
                                               else camel(case.lower()) + 'Arm')
                comps = em.components(xname, [d]) if d.name else []
                if i:
                    body.append('')
                extra = ARM_NOTES.get(case)
                body.append('        /** %s%s. */' % (case, (': ' + extra) if extra else ''))
                body.extend(record_line('        ', '@XdrArm(%d) record %s' % (value, arm), comps,
                                        ' implements %s { }' % jname))
            body.append('    }')
    imports = ['import static io.jvirtd.protocol.remote.RemoteLimits.%s;' % c
               for c in sorted(em.used_consts)]
    header = GEN_HEADER.format(script='docs/dev/gen_remote_types.py')
    types = [
        'package io.jvirtd.protocol.remote;',
        '',
        *imports,
        '',
        'import io.jvirtd.rpc.xdr.XdrArm;',
        'import io.jvirtd.rpc.xdr.XdrChars;',
        'import io.jvirtd.rpc.xdr.XdrFixed;',
        'import io.jvirtd.rpc.xdr.XdrMax;',
        'import io.jvirtd.rpc.xdr.XdrOptional;',
        'import io.jvirtd.rpc.xdr.XdrUnion;',
        'import java.util.List;',
        '',
        header + TYPES_DOC.rstrip('\n'),
        'public final class RemoteTypes {',
        '    private RemoteTypes() {',
        '    }',
        *body,
        '}',
        '',
    ]

    # ---- RemoteLimits.java ----
    lim = ['package io.jvirtd.protocol.remote;', '', header + LIMITS_DOC.rstrip('\n'),
           'public final class RemoteLimits {']
    for name in sorted(EXTERNAL):
        if name.startswith('VIR_TYPED_PARAM_'):
            continue
        expr, why = EXTERNAL[name]
        lim.append('    /** %s, from %s. */' % (name, why))
        lim.append('    public static final int %s = %s;' % (name, expr))
    for name in spec.order:
        if name in ('REMOTE_PROGRAM', 'REMOTE_PROTOCOL_VERSION'):
            continue
        raw = re.search(r'const\s+%s\s*=\s*([^;]+);' % name, open(xfile).read()).group(1).strip()
        if raw in EXTERNAL:
            lim.append('    public static final int %s = %s;' % (name, raw))
        else:
            lim.append('    public static final int %s = %d;' % (name, spec.consts[name]))
    lim += ['', '    private RemoteLimits() {', '    }', '}', '']

    # ---- RemoteSignatureTable.java ----
    def put(key, value):
        line = '        t.put(RemoteProcedure.%s, %s);' % (key, value)
        if len(line) <= 100:
            return [line]
        head = '        t.put(RemoteProcedure.%s,' % key
        if len('                %s);' % value) <= 100 or not value.startswith('sig('):
            return [head, '                %s);' % value]
        a, r = value[4:-1].split(', ')
        return [head, '                sig(%s,' % a, '                        %s));' % r]

    tab = ['package io.jvirtd.protocol.remote;', '',
           'import io.jvirtd.protocol.remote.RemoteTypes.*;', 'import java.util.Map;', '',
           header + TABLE_DOC.rstrip('\n'), 'final class RemoteSignatureTable {',
           '    private RemoteSignatureTable() {', '    }', '',
           '    /** (args, ret) of every call; Void.class where the .x file has no struct. */',
           '    static void calls(Map<RemoteProcedure, RemoteSignatures.Signature> t) {']
    for name, a, r in calls:
        tab += put(name, 'sig(%s.class, %s.class)' % (a or 'Void', r or 'Void'))
    tab += ['    }', '',
            '    /** The message body of every event procedure. */',
            '    static void events(Map<RemoteProcedure, Class<?>> t) {']
    for name, m in events:
        tab += put(name, m + '.class')
    tab += ['    }', '',
            '    private static RemoteSignatures.Signature sig(Class<?> args, Class<?> ret) {',
            '        return new RemoteSignatures.Signature(args, ret);',
            '    }', '}', '']

    for fname, lines in (('RemoteTypes.java', types), ('RemoteLimits.java', lim),
                         ('RemoteSignatureTable.java', tab)):
        with open(os.path.join(OUT, fname), 'w') as f:
            f.write('\n'.join(lines))
    print('%d types, %d calls, %d events, %d constants' % (
        len(em.reachable), len(calls), len(events), len(spec.order)))


GEN_HEADER = '''/*
 * GENERATED by {script} from libvirt 9.0.0's src/remote/remote_protocol.x.
 * Do not edit: change the script and rerun it (see its header).
 */
'''

TYPES_DOC = '''/**
 * The structs and unions of libvirt 9.0's remote_protocol.x reachable from a procedure, as
 * records read by the XDR codec. GENERATED by docs/dev/gen_remote_types.py from the .x file of
 * libvirt 9.0.0: do not edit by hand, change the script and rerun it.
 *
 * <p>How to read them against the .x file:
 * <ul>
 *   <li>{@code remote_foo_bar} is {@code FooBar}: {@code remote_<proc>_args} / {@code _ret} /
 *       {@code _msg} are {@code <Proc>Args} / {@code <Proc>Ret} / {@code <Proc>Msg}; a call
 *       without one of them has {@code Void} in {@link RemoteSignatures}.</li>
 *   <li>Components keep the .x field names (including {@code need_results}, {@code hv_ver})
 *       and order, which is the wire order.</li>
 *   <li>{@code remote_nonnull_string} is a plain String (bound REMOTE_STRING_MAX),
 *       {@code remote_string} an {@code @XdrOptional String}, {@code remote_uuid} an
 *       {@code @XdrFixed(16) byte[]}, {@code remote_domain} (and the other nullable handles) an
 *       {@code @XdrOptional} record. Unsigned ints and hypers are int/long holding the bit
 *       pattern. {@code char}/{@code short} and their unsigned forms, 4 bytes on the wire, are
 *       int. {@code char x[N]}/{@code char x<N>} are {@code @XdrChars} Strings (SASL data, binary,
 *       is an {@code @XdrChars byte[]}).</li>
 *   <li>byte[] components compare by identity in the generated equals(); compare UUIDs with
 *       {@code Arrays.equals}.</li>
 * </ul>
 *
 * <p>Immutable values; any thread.
 */
'''

LIMITS_DOC = '''/**
 * Every constant of remote_protocol.x (libvirt 9.0) and the libvirt header constants it uses,
 * under their .x names so that a record and its struct can be compared side by side.
 * GENERATED by docs/dev/gen_remote_types.py. Constants; any thread.
 */
'''

TABLE_DOC = '''/**
 * The procedure-to-record table behind {@link RemoteSignatures}: one line per procedure of
 * remote_protocol.x. GENERATED by docs/dev/gen_remote_types.py. Stateless; any thread.
 */
'''

if __name__ == '__main__':
    generate(sys.argv[1] if len(sys.argv) > 1 else XFILE)
