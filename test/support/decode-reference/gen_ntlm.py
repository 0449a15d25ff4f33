"""Generate NTLM tokens with python3-ntlm-auth over a matrix of options. Output: JSONL lines
{"id", "source", "token"} on stdout (NEGOTIATE, CHALLENGE and AUTHENTICATE of each run)."""
import base64, hashlib, itertools, json, random, struct, sys

import ntlm_auth.compute_response as cr
from ntlm_auth.ntlm import NtlmContext
from ntlm_auth.gss_channel_bindings import GssChannelBindingsStruct

ZERO_SENTINEL = b'\x00ZERO-CBT\x00'

class FakeHashlib:
    """md5 of the sentinel CBT struct is 16 zero bytes (a client without a TLS channel); anything else real."""
    def __getattr__(self, name):
        return getattr(hashlib, name)
    @staticmethod
    def md5(data=b''):
        if data == ZERO_SENTINEL:
            class Z:
                def digest(self):
                    return b'\x00' * 16
            return Z()
        return hashlib.md5(data)

cr.hashlib = FakeHashlib()

class ZeroCbt(GssChannelBindingsStruct):
    def get_data(self):
        return ZERO_SENTINEL

def av(av_id, value):
    return struct.pack('<HH', av_id, len(value)) + value

def u16(s):
    return s.encode('utf-16-le')

F_UNICODE, F_OEM, F_REQ_TARGET = 0x1, 0x2, 0x4
F_VERSION, F_TARGET_INFO, F_ESS = 0x02000000, 0x00800000, 0x00080000

def challenge_bytes(flags, unicode, ts, spn, extra_pairs, target='CONTOSO', version=(10, 0, 20348)):
    enc = u16 if unicode else (lambda s: s.encode('ascii'))
    pairs = av(2, u16('CONTOSO')) + av(1, u16('EX01')) + av(4, u16('contoso.test')) + av(3, u16('ex01.contoso.test'))
    if extra_pairs:
        pairs += av(5, u16('contoso.test'))
    if ts:
        pairs += av(7, struct.pack('<Q', ts))
    if spn:
        pairs += av(9, u16(spn))
    pairs += av(0, b'')
    tname = enc(target) if flags & F_REQ_TARGET else b''
    if not flags & F_TARGET_INFO:
        pairs = b''
    hdr = 56
    ver = bytes([version[0], version[1]]) + struct.pack('<H', version[2]) + b'\x00\x00\x00\x0f' if flags & F_VERSION else b'\x00' * 8
    return (b'NTLMSSP\x00' + struct.pack('<I', 2)
            + struct.pack('<HHI', len(tname), len(tname), hdr)
            + struct.pack('<I', flags) + bytes.fromhex('0123456789abcdef') + b'\x00' * 8
            + struct.pack('<HHI', len(pairs), len(pairs), hdr + len(tname))
            + ver + tname + pairs)

def main():
    rnd = random.Random(20261123)
    out = []
    n = 0
    base_flags = 0xe28a8235  # Windows Server 2022 CHALLENGE flags
    matrix = list(itertools.product(
        [0, 1, 2, 3],                 # compat
        [True, False],                # unicode
        [True, False],                # version flag
        [None, 133766496000000000],   # MsvAvTimestamp → MIC
        [None, 'HTTP/mail.contoso.test'],
        ['none', 'present', 'zero'],
        [(None, None), ('CONTOSO', 'MRSPROBE'), ('contoso.test', 'WS-ÄÖ')],
        [0, 0x4000, 0x10000000 | 0x00000008, 0x00040000 | 0x00000400],  # extra bits: LOCAL_CALL; r1+r10; r6+r8
    ))
    rnd.shuffle(matrix)
    users = ['mrsadmin', 'Administrator', 'svc_exchange', 'jürgen.müller', 'a']
    for compat, unicode, ver, ts, spn, cbt, (dom, ws), extra in matrix[:260]:
        if not unicode and ws and not ws.isascii():
            ws = 'WSOEM'
        user = rnd.choice(users)
        if not unicode and not user.isascii():
            user = 'juergen'
        flags = base_flags | extra
        if not unicode:
            flags = (flags & ~F_UNICODE) | F_OEM
        if not ver:
            flags &= ~F_VERSION
        if compat < 3 and rnd.random() < 0.3:
            flags &= ~F_TARGET_INFO
        if compat == 0:
            flags &= ~F_ESS
        chal = challenge_bytes(flags, unicode, ts, spn, rnd.random() < 0.5)
        cb = None
        if cbt == 'present':
            cb = GssChannelBindingsStruct()
            cb[cb.APPLICATION_DATA] = b'tls-server-end-point:' + hashlib.sha256(rnd.randbytes(32)).digest()
        elif cbt == 'zero':
            cb = ZeroCbt()
        ctx = NtlmContext(user, '00000000000000000000000000000000:' + hashlib.md5(user.encode()).hexdigest(),
                          dom if dom is not None or compat < 3 else '', ws if ws and ws.isascii() else ('WS' if ws else None), cbt_data=cb, ntlm_compatibility=compat)
        if not ver:
            ctx.negotiate_flags &= ~F_VERSION
        try:
            neg = ctx.step()
            auth = ctx.step(chal)
        except Exception as e:  # noqa: BLE001
            print(f'skip {compat} {unicode} {ver}: {e}', file=sys.stderr)
            continue
        n += 1
        desc = f'ntlm_auth compat={compat} unicode={unicode} version={ver} ts={bool(ts)} spn={bool(spn)} cbt={cbt} dom={dom} ws={ws} extra=0x{extra:x}'
        for kind, tok in (('negotiate', neg), ('challenge', chal), ('authenticate', auth)):
            out.append({'id': f'gen{n:03d}-{kind}', 'source': desc, 'token': base64.b64encode(tok).decode()})
    seen = set()
    for o in out:
        if o['token'] in seen:
            continue
        seen.add(o['token'])
        print(json.dumps(o))

if __name__ == "__main__":
    main()
