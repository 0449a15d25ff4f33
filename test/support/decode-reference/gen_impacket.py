"""Client tokens made by impacket's own NTLM client (getNTLMSSPType1/3): another independent encoder."""
import base64, json, os, struct, sys, random
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from impacket import ntlm
from gen_ntlm import challenge_bytes

out = []
n = 0
for v2 in (True, False):
    for sign in (True, False):
        # With NEGOTIATE_VERSION set, impacket's encoder writes offsets for VERSION+MIC but leaves both
        # fields empty: the AUTHENTICATE it builds is malformed (fields point past the end). Not a client to compare with.
        for ver in (False,):
            for ts in (None, 133766496000000000):
                for (user, pw, dom) in (('mrsadmin', 'Passw0rd!', 'CONTOSO'), ('', '', ''), ('jürgen', 'x', 'contoso.test')):
                    n += 1
                    t1 = ntlm.getNTLMSSPType1('MRSPROBE', 'CONTOSO', sign, use_ntlmv2=v2)
                    if ver:
                        t1['flags'] |= ntlm.NTLMSSP_NEGOTIATE_VERSION
                        t1['os_version'] = b'\x0a\x00\x7c\x4f\x00\x00\x00\x0f'
                    flags = 0xe28a8235 if ver else 0xe28a8235 & ~0x02000000
                    chal = challenge_bytes(flags, True, ts, None, n % 2 == 0)
                    try:
                        t3, _ = ntlm.getNTLMSSPType3(t1, chal, user, pw, dom, use_ntlmv2=v2)
                    except Exception as e:  # noqa: BLE001
                        print('skip', n, e, file=sys.stderr); continue
                    src = f'impacket client v2={v2} sign={sign} version={ver} ts={bool(ts)} user={user!r}'
                    out.append({'id': f'imp{n:03d}-negotiate', 'source': src, 'token': base64.b64encode(t1.getData()).decode()})
                    out.append({'id': f'imp{n:03d}-authenticate', 'source': src, 'token': base64.b64encode(t3.getData()).decode()})
seen = set()
for o in out:
    if o['token'] in seen: continue
    seen.add(o['token']); print(json.dumps(o))
