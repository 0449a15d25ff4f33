"""Write test/fixtures/tokens/tshark-reference.json: the tokens of impacket-reference.json and
gss-ntlmssp-cbt.json, the edge shapes of gen_edge.py and the Kerberos AP-REQ of issue 17 (kvno
1597636609, and the same with kvno 2^23 and 0xfffffffe), each with the fields tshark (Wireshark's
dissectors) shows and the decode JSON fields they mean. Where decode deliberately differs from
tshark, the entry says why in `deviation` and `expected` holds decode's value.

usage (from the repository root; needs tshark, e.g. Debian's 4.0.17):
  python3 test/support/decode-reference/build_tshark_fixture.py
"""
import base64, datetime, json, os, struct, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOKENS = os.path.join(HERE, '..', '..', 'fixtures', 'tokens')
ISSUE_KVNO = 'YIGBBgkqhkiG9xIBAgIBAG5yMHCgAwIBBaEDAgEOogcDBQAgAAAAo0phSDBGoAMCAQWhDhsMQ09OVE9TTy5URVNUohYwFKADAgECoQ0wCxsESFRUUBsDd2VioxcwFaADAgESoQYCBF86AAGiBgQEqqqqqqQPMA2gAwIBEqIGBAS7u7u7'
CONTEXT_FLAGS = ['delegFlag', 'mutualFlag', 'replayFlag', 'sequenceFlag', 'anonFlag', 'confFlag', 'integFlag']

def tokens():
    out = []
    for t in json.load(open(os.path.join(TOKENS, 'impacket-reference.json')))['tokens']:
        out.append({'id': t['id'], 'source': t['source'], 'token': t['token']})
    for i, t in enumerate(json.load(open(os.path.join(TOKENS, 'gss-ntlmssp-cbt.json')))['tokens']):
        out.append({'id': f'gss-cbt-{i}', 'source': f'gss-ntlmssp AUTHENTICATE bound to a {t["hash"]} certificate', 'token': t['authenticate']})
    raw = base64.b64decode(ISSUE_KVNO)
    at = raw.index(bytes.fromhex('02045f3a0001'))
    out.append({'id': 'issue17-kvno', 'source': 'issue 17: MIT-shaped AP-REQ, ticket kvno 0x5f3a0001', 'token': ISSUE_KVNO})
    for name, kv in [('kvno-2p23', '00800000'), ('kvno-top-bit', 'fffffffe')]:
        b = raw[:at + 2] + bytes.fromhex(kv) + raw[at + 6:]
        out.append({'id': 'issue17-' + name, 'source': f'issue 17 AP-REQ with the kvno INTEGER bytes {kv}', 'token': base64.b64encode(b).decode()})
    edge = subprocess.run([sys.executable, os.path.join(HERE, 'gen_edge.py'), os.path.join(TOKENS, 'impacket-reference.json')],
                          capture_output=True, text=True, check=True).stdout
    out += [json.loads(l) for l in edge.splitlines() if l.strip()]
    # the NTLM messages again with reordered, padded payloads and empty fields pointing at 0 (relayout.py, seed 7)
    ref = ''.join(json.dumps({'id': t['id'], 'source': t['source'], 'token': t['token']}) + '\n' for t in out if t['id'][:3] in ('gen', 'imp', 'ngs'))
    re_ = subprocess.run([sys.executable, os.path.join(HERE, 'relayout.py')], input=ref, capture_output=True, text=True, check=True).stdout
    out += [json.loads(l) for l in re_.splitlines() if l.strip()]
    return out

def iso(wireshark_time):
    # "Nov 21, 2024 08:00:00.000000000 UTC" -> "2024-11-21T08:00:00.000Z"
    date, frac = wireshark_time.replace(' UTC', '').split('.')
    d = datetime.datetime.strptime(date, '%b %d, %Y %H:%M:%S')
    return d.strftime('%Y-%m-%dT%H:%M:%S') + '.' + frac[:3] + 'Z'

def expected_of(ts):
    e = {}
    mtype = ts.get('ntlmssp.messagetype')
    if mtype:
        n = {}
        if 'ntlmssp.version.major' in ts:
            n['osVersion'] = f"{ts['ntlmssp.version.major']}.{ts['ntlmssp.version.minor']}.{ts['ntlmssp.version.build_number']}"
            n['ntlmRevision'] = int(ts['ntlmssp.version.ntlm_current_revision'])
        else:
            n['osVersion'] = None
            n['ntlmRevision'] = None
        if mtype == '0x00000003':
            n['micValue'] = ts.get('ntlmssp.authenticate.mic')
            n['clientTimestamp'] = iso(ts['ntlmssp.ntlmv2_response.time']) if 'ntlmssp.ntlmv2_response.time' in ts else None
            n['timestamp'] = iso(ts['ntlmssp.ntlmv2_response.timestamp']) if 'ntlmssp.ntlmv2_response.timestamp' in ts else None
            n['channelBindings'] = ts.get('ntlmssp.ntlmv2_response.channel_bindings')
        e['ntlm'] = n
    if 'kerberos.kvno' in ts:
        e['kerberos'] = {'kvno': int(ts['kerberos.kvno'].split('|')[0])}
    if 'spnego.reqFlags' in ts:
        e['spnego'] = {'reqFlags': [f for f in CONTEXT_FLAGS if ts.get('spnego.ContextFlags.' + f) == '1']}
    return e

DEVIATIONS = {
    'edge-mic-no-version': (
        'tshark 4.0 skips 8 bytes for a VERSION even when NTLMSSP_NEGOTIATE_VERSION is not set and reads the MIC at byte 72, '
        'half of it from the payload; the payload starting at byte 80 leaves room for a MIC and no VERSION (as Samba writes it), '
        'so decode reads the MIC at byte 64.',
        lambda e, tok: e['ntlm'].update(micValue=tok_hex(tok, 64, 80))),
    'edge-cbt-empty': (
        'tshark shows no Channel Bindings item for a zero-length MsvAvChannelBindings; decode reports the pair as present (empty hex) and malformed.',
        lambda e, tok: e['ntlm'].update(channelBindings='')),
}

def layout_deviation(e, tok):
    """Where tshark 4.0 reads the header of a re-laid-out message differently from MS-NLMP 2.2.1."""
    raw = base64.b64decode(tok)
    if raw[:8] != b'NTLMSSP\0':
        return None
    mtype = struct.unpack_from('<I', raw, 8)[0]
    fields = {1: [16, 24], 2: [12, 40], 3: [12, 20, 28, 36, 44, 52]}.get(mtype, [])
    offs = [(struct.unpack_from('<H', raw, a)[0], struct.unpack_from('<I', raw, a + 4)[0]) for a in fields if a + 8 <= len(raw)]
    n = e['expected'].get('ntlm', {})
    if mtype == 3 and n.get('micValue'):
        start = min([o for _, o in offs if 64 <= o <= len(raw)], default=64)
        if start < 88:
            n['micValue'] = None
            return (f'tshark 4.0 reads 16 bytes at byte 72 as the MIC although the payload starts at byte {start} (padding before it); '
                    'a MIC needs the 16 bytes up to byte 88, so there is none.')
    at = {1: 32, 2: 48, 3: 64}.get(mtype, 0)
    if at and n.get('osVersion') is None and any(l == 0 and o < at for l, o in offs):
        flags = struct.unpack_from('<I', raw, {1: 12, 2: 20, 3: 60}[mtype])[0]
        ver = raw[at:at + 8]
        if flags & 0x02000000 and len(raw) >= at + 8 and any(ver):
            n['osVersion'] = f'{ver[0]}.{ver[1]}.{struct.unpack_from("<H", ver, 2)[0]}'
            n['ntlmRevision'] = ver[7]
            return ('an empty field points at offset 0 (MS-NLMP: SHOULD point into the payload); tshark takes that 0 for the payload start '
                    'and shows no VERSION; decode bounds the header by the fields that have data.')
    return None

def tok_hex(tok, a, b):
    raw = base64.b64decode(tok)
    return raw[a:b].hex()

def main():
    toks = tokens()
    lines = '\n'.join(json.dumps({'id': t['id'], 'token': t['token']}) for t in toks) + '\n'
    res = subprocess.run([sys.executable, os.path.join(HERE, 'tshark_fields.py')], input=lines, capture_output=True, text=True, check=True).stdout
    by_id = {o['id']: o['tshark'] for o in map(json.loads, res.splitlines())}
    version = subprocess.run(['tshark', '--version'], capture_output=True, text=True).stdout.splitlines()[0]
    entries = []
    for t in toks:
        ts = by_id[t['id']]
        e = {'id': t['id'], 'source': t['source'], 'token': t['token'], 'tshark': ts, 'expected': expected_of(ts)}
        if t['id'] in DEVIATIONS:
            why, fix = DEVIATIONS[t['id']]
            e['deviation'] = why
            fix(e['expected'], t['token'])
        elif t['id'].startswith('re-'):
            why = layout_deviation(e, t['token'])
            if why:
                e['deviation'] = why
        entries.append(e)
    doc = {
        '_source': f'Fields {version} shows for each token (test/support/decode-reference/build_tshark_fixture.py, tshark_fields.py, gen_edge.py), '
                   'and the decode JSON fields they mean: ntlm.osVersion/ntlmRevision (ntlmssp.version.*, shown only when NTLMSSP_NEGOTIATE_VERSION is set), '
                   'ntlm.micValue (ntlmssp.authenticate.mic), ntlm.clientTimestamp (ntlmssp.ntlmv2_response.time), ntlm.timestamp (ntlmssp.ntlmv2_response.timestamp), '
                   'ntlm.channelBindings (ntlmssp.ntlmv2_response.channel_bindings), kerberos.kvno (ticket enc-part kvno), spnego.reqFlags (spnego.ContextFlags.*). '
                   '`deviation` says where decode differs on purpose.',
        'tokens': entries,
    }
    with open(os.path.join(TOKENS, 'tshark-reference.json'), 'w') as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write('\n')
    print(f'{len(entries)} tokens, {sum(1 for e in entries if "deviation" in e)} deviations', file=sys.stderr)

main()
