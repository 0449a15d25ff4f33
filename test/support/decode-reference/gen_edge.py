"""Edge shapes of real NTLM messages that decode once got wrong (issue 17), made from the
python3-ntlm-auth tokens of impacket-reference.json by changing only the layout:

- mic-no-version: an AUTHENTICATE whose header has a MIC but no VERSION (payload from byte 80,
  NTLMSSP_NEGOTIATE_VERSION cleared): the MIC sits at byte 64.
- cbt-empty: MsvAvChannelBindings of length 0 in the NTLMv2 response (present but malformed).
- cbt-short: MsvAvChannelBindings of 8 zero bytes (malformed, not "zero").
- version-unnegotiated-*: VERSION bytes filled, NTLMSSP_NEGOTIATE_VERSION cleared.
- version-zeroed-mic: VERSION field all zero, flag cleared, MIC at 72 (MS-NLMP 2.2.1.3 layout).

usage: python3 gen_edge.py impacket-reference.json > edge.jsonl
"""
import base64, json, struct, sys

ref = {t['id']: base64.b64decode(t['token']) for t in json.load(open(sys.argv[1]))['tokens']}
VERSION = 0x02000000
FIELDS = {1: [16, 24], 2: [12, 40], 3: [12, 20, 28, 36, 44, 52]}
FLAGS_AT = {1: 12, 2: 20, 3: 60}

def mtype(b):
    return struct.unpack_from('<I', b, 8)[0]

def clear_version(b):
    b = bytearray(b)
    at = FLAGS_AT[mtype(b)]
    struct.pack_into('<I', b, at, struct.unpack_from('<I', b, at)[0] & ~VERSION)
    return bytes(b)

def cut(b, start, n):
    """Remove n bytes at start; offsets of fields that point past start move down."""
    out = bytearray(b[:start] + b[start + n:])
    for at in FIELDS[mtype(b)]:
        off = struct.unpack_from('<I', out, at + 4)[0]
        if off >= start + n:
            struct.pack_into('<I', out, at + 4, off - n)
    return bytes(out)

def set_cbt(b, value):
    """Replace the MsvAvChannelBindings value in the NTLMv2 response (fields after it move)."""
    ntlen, _, ntoff = struct.unpack_from('<HHI', b, 20)
    nt = b[ntoff:ntoff + ntlen]
    p = 44
    while True:
        av_id, av_len = struct.unpack_from('<HH', nt, p)
        if av_id == 10:
            break
        if av_id == 0:
            raise ValueError('no MsvAvChannelBindings')
        p += 4 + av_len
    new_nt = nt[:p] + struct.pack('<HH', 10, len(value)) + value + nt[p + 4 + av_len:]
    delta = len(new_nt) - len(nt)
    out = bytearray(b[:ntoff] + new_nt + b[ntoff + ntlen:])
    struct.pack_into('<HH', out, 20, len(new_nt), len(new_nt))
    for at in FIELDS[3]:
        off = struct.unpack_from('<I', out, at + 4)[0]
        if at != 20 and off > ntoff:
            struct.pack_into('<I', out, at + 4, off + delta)
    return bytes(out)

def zero_version(b):
    b = bytearray(clear_version(b))
    b[64:72] = bytes(8)
    return bytes(b)

edges = [
    ('edge-mic-no-version', 'gen001-authenticate', lambda b: clear_version(cut(b, 64, 8))),
    ('edge-cbt-empty', 'gen001-authenticate', lambda b: set_cbt(b, b'')),
    ('edge-cbt-short', 'gen001-authenticate', lambda b: set_cbt(b, bytes(8))),
    ('edge-version-unnegotiated-negotiate', 'gen001-negotiate', clear_version),
    ('edge-version-unnegotiated-challenge', 'gen001-challenge', clear_version),
    ('edge-version-unnegotiated-authenticate', 'gen002-authenticate', clear_version),
    ('edge-version-zeroed-mic', 'gen001-authenticate', zero_version),
]
for id_, src, fn in edges:
    print(json.dumps({'id': id_, 'source': f'{src} with {id_[5:]}', 'token': base64.b64encode(fn(ref[src])).decode()}))
