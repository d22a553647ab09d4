#!/usr/bin/env python3
"""Issue 19: bytes of an answer without and with fields / format "table" on the demo cloud.

usage: read_args_bytes.py MISTMCP   (prints the table of docs/PERFORMANCE.md; the whole
results' bytes on stderr)"""
import json, subprocess, sys
B=sys.argv[1] if len(sys.argv) > 1 else 'build/mistmcp'
O='14aefeb5-0f9f-4d2d-8ef5-61e017850725'
def run(tool, args):
    a=['%s=%s'%(k, v if isinstance(v,str) else json.dumps(v)) for k,v in args.items()]
    out=subprocess.run([B,'--demo','call',tool]+a,capture_output=True,text=True).stdout
    r=json.loads(out)
    text=sum(len(c['text'].encode()) for c in r['content'])
    first=len(r['content'][0]['text'].encode())
    whole=len(json.dumps(r,separators=(',',':'),ensure_ascii=False).encode())
    return first,text,whole
cases=[
 ('listOrgDevicesStats (60 APs)', {'org_id':O}, 'select', ['name','mac','status','num_clients']),
 ('searchOrgWirelessClients (100 of 348)', {'org_id':O}, 'fields', ['mac','last_hostname','last_ip','last_ssid']),
 ('searchOrgAlarms', {'org_id':O}, 'fields', ['type','severity','status','hostnames']),
 ('getOrgInventory (78 devices)', {'org_id':O}, 'fields', ['name','mac','model','connected']),
 ('listOrgWlans (3 WLANs)', {'org_id':O}, 'fields', ['ssid','enabled','auth.type','vlan_id']),
]
print('| tool | whole answer | fields (4 paths) | fields + format table | whole / fields | fields / table |')
print('|---|---:|---:|---:|---:|---:|')
for name,args,fname,fields in cases:
    tool=name.split()[0]
    w=run(tool,args); f=run(tool,dict(args,**{fname:fields})); t=run(tool,dict(args,**{fname:fields,'format':'table'}))
    print('| `%s`%s | %d | %d | %d | %.1f× | %.1f× |'%(tool, name[len(tool):], w[0], f[0], t[0], w[0]/f[0], f[0]/t[0]))
    sys.stderr.write('%s whole-result bytes: %d / %d / %d (text blocks %d/%d/%d)\n'%(tool,w[2],f[2],t[2],w[1],f[1],t[1]))
