import re,glob,sys
src='/tmp/libvirt-src/libvirt-9.0.0/'
x=open(src+'src/remote/remote_protocol.x').read()
# procedures with annotations
procs=[]
for m in re.finditer(r'/\*\*(.*?)\*/\s*REMOTE_PROC_(\w+)\s*=\s*(\d+)',x,re.S):
    ann=m.group(1); name=m.group(2); num=int(m.group(3))
    prio='high' if re.search(r'@priority:\s*high',ann) else 'low'
    gen=re.search(r'@generate:\s*(\w+)',ann); gen=gen.group(1) if gen else ''
    acls=re.findall(r'@acl:\s*(\S+)',ann)
    procs.append((num,name,prio,gen,acls))
# public API functions, from-domain, readonly
apis={}
for f in glob.glob(src+'src/libvirt*.c'):
    t=open(f).read()
    frm=re.search(r'#define VIR_FROM_THIS (\w+)',t).group(1)
    for m in re.finditer(r'^(?:int |char \*)?(vir[A-Z]\w*)\([^;]*?^\{.*?^\}',t,re.S|re.M):
        body=m.group(0); fn=m.group(1)
        apis[fn.lower()]=(fn,frm,'virCheckReadOnlyGoto' in body)
def camel(n):
    return 'vir'+''.join(p.capitalize() for p in n.split('_'))
out=[]
for num,name,prio,gen,acls in sorted(procs):
    c=camel(name).lower()
    api=apis.get(c)
    if not api:
        # try some transformations
        for cand in [c.replace('connect','',1) if False else c]:
            pass
    fn,frm,ro = api if api else ('','',False)
    out.append(f"{num}\t{name}\t{prio}\t{gen}\t{fn}\t{frm}\t{int(ro)}\t{','.join(acls)}")
print('\n'.join(out))
