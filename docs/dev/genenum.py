import csv
import os
# procs.tsv (next to this script) is extract.py's output: python3 extract.py > procs.tsv
here=os.path.dirname(os.path.abspath(__file__))
doms={'VIR_FROM_NONE':0,'VIR_FROM_DOMAIN':20,'VIR_FROM_NETWORK':19,'VIR_FROM_STORAGE':18,'VIR_FROM_INTERFACE':26,'VIR_FROM_NODEDEV':22,'VIR_FROM_SECRET':30,'VIR_FROM_NWFILTER':33,'VIR_FROM_DOMAIN_SNAPSHOT':35,'VIR_FROM_DOMAIN_CHECKPOINT':69,'VIR_FROM_STREAMS':38,'':0}
rows=[l.rstrip('\n').split('\t') for l in open(os.path.join(here,'procs.tsv'))]
# APIs that call virCheckReadOnlyGoto only under a flag or argument; the daemon checks those cases itself.
CONDITIONAL={'DOMAIN_GET_VCPUS_FLAGS','DOMAIN_INTERFACE_ADDRESSES'}
out=[]
for num,name,prio,gen,fn,frm,ro,acl in rows:
    event='_EVENT_' in name and 'REGISTER' not in name
    kind='EVENT' if event else 'CALL'
    api='"%s"'%fn if fn else 'null'
    out.append(f'    {name}({num}, Priority.{"HIGH" if prio=="high" else "LOW"}, Kind.{kind}, {api}, {doms[frm]}, {"true" if ro=="1" and name not in CONDITIONAL else "false"})')
body=',\n'.join(out)+';'
java=open(os.path.join(here,'RemoteProcedure.java.in')).read().replace('@ENTRIES@',body)
open(os.path.join(here,'..','..','src/main/java/io/jvirtd/protocol/remote/RemoteProcedure.java'),'w').write(java)
