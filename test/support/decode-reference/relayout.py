"""Re-lay out AUTHENTICATE/CHALLENGE/NEGOTIATE payloads: shuffled field order, padding between
fields, empty fields pointing at 0 or at the payload start. Still valid per MS-NLMP 2.2.1
("payload data can be present in any order ... with variable-length padding")."""
import base64, json, random, struct, sys
rnd = random.Random(7)

def relayout(b):
    t = struct.unpack('<I', b[8:12])[0]
    if t == 3:
        fields_at = [12, 20, 28, 36, 44, 52]
        offs = [struct.unpack('<I', b[a+4:a+8])[0] for a in fields_at]
        lens = [struct.unpack('<H', b[a:a+2])[0] for a in fields_at]
        nonempty = [o for o, l in zip(offs, lens) if l]
        hdr = min(nonempty) if nonempty else len(b)
    elif t == 2:
        fields_at = [12, 40]
        offs = [struct.unpack('<I', b[a+4:a+8])[0] for a in fields_at]
        lens = [struct.unpack('<H', b[a:a+2])[0] for a in fields_at]
        nonempty = [o for o, l in zip(offs, lens) if l]
        hdr = min(nonempty) if nonempty else len(b)
    else:
        return None
    datas = [b[o:o+l] for o, l in zip(offs, lens)]
    out = bytearray(b[:hdr])
    order = list(range(len(fields_at))); rnd.shuffle(order)
    newoff = [0] * len(fields_at)
    for i in order:
        if lens[i] == 0:
            continue
        out += bytes(rnd.randrange(0, 4) * [0xcc]) if t == 3 else b''
        newoff[i] = len(out); out += datas[i]
    for i, a in enumerate(fields_at):
        if lens[i] == 0:
            newoff[i] = rnd.choice([0, hdr, len(out)])
        struct.pack_into('<HHI', out, a, lens[i], lens[i], newoff[i])
    return bytes(out)

for line in sys.stdin:
    o = json.loads(line)
    b = base64.b64decode(o['token'])
    if b[:8] != b'NTLMSSP\x00':
        continue
    r = relayout(b)
    if r and r != b:
        print(json.dumps({'id': 're-' + o['id'], 'source': 'relayout of ' + o['source'], 'token': base64.b64encode(r).decode()}))
