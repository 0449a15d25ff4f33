"""Decode tokens with tshark (Wireshark's dissectors) for the fields decode added after comparing
with it: the VERSION structure, the MIC, the NTLMv2 response's own time, MsvAvChannelBindings,
Kerberos kvno and SPNEGO reqFlags. Each token is put into its own HTTP request (its own TCP
stream) of a pcap that this script writes; tshark reads it back.

usage: python3 tshark_fields.py tokens.jsonl > tshark.jsonl
  tokens.jsonl: {"id", "token", "scheme" (optional, default "Negotiate" unless the token is NTLMSSP)}
Needs tshark (Debian: apt-get install -y tshark). Output goes to stdout, the pcap to $TMPDIR.
"""
import base64, json, os, struct, subprocess, sys, tempfile

FIELDS = [
    'tcp.srcport', 'ntlmssp.messagetype', 'ntlmssp.version.major', 'ntlmssp.version.minor',
    'ntlmssp.version.build_number', 'ntlmssp.version.ntlm_current_revision', 'ntlmssp.authenticate.mic',
    'ntlmssp.ntlmv2_response.time', 'ntlmssp.ntlmv2_response.timestamp', 'ntlmssp.ntlmv2_response.channel_bindings',
    'kerberos.kvno', 'spnego.reqFlags',
] + ['spnego.ContextFlags.' + f for f in ('delegFlag', 'mutualFlag', 'replayFlag', 'sequenceFlag', 'anonFlag', 'confFlag', 'integFlag')]

def checksum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff

def packet(sport, payload):
    src, dst = bytes([10, 0, 0, 2]), bytes([10, 0, 0, 1])
    tcp = struct.pack('!HHIIBBHHH', sport, 80, 1000, 0, 5 << 4, 0x18, 65535, 0, 0) + payload
    pseudo = src + dst + struct.pack('!BBH', 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack('!H', checksum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp), sport, 0, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack('!H', checksum(ip)) + ip[12:]
    eth = b'\x02\0\0\0\0\x01' + b'\x02\0\0\0\0\x02' + b'\x08\x00'
    return eth + ip + tcp

toks = [json.loads(l) for l in sys.stdin if l.strip()]
fd, pcap = tempfile.mkstemp(suffix='.pcap')
with os.fdopen(fd, 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i, t in enumerate(toks):
        raw = base64.b64decode(t['token'] + '=' * (-len(t['token']) % 4))
        scheme = t.get('scheme') or ('NTLM' if raw.startswith(b'NTLMSSP\0') else 'Negotiate')
        req = ('GET /EWS/mrsproxy.svc HTTP/1.1\r\nHost: mail.contoso.test\r\nAuthorization: %s %s\r\n\r\n' % (scheme, t['token'])).encode()
        p = packet(20000 + i, req)
        f.write(struct.pack('<IIII', 1700000000 + i, 0, len(p), len(p)) + p)
out = subprocess.run(['tshark', '-r', pcap, '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=a', '-E', 'aggregator=|']
                     + sum((['-e', x] for x in FIELDS), []), capture_output=True, text=True, check=True).stdout
os.unlink(pcap)
for line in out.splitlines():
    vals = line.split('\t')
    rec = dict(zip(FIELDS, vals))
    i = int(rec.pop('tcp.srcport')) - 20000
    print(json.dumps({'id': toks[i]['id'], 'tshark': {k: v for k, v in rec.items() if v != ''}}))
