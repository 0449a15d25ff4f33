"""Reference decoder: impacket (Debian python3-impacket) decodes each token and prints the
contract fields of `iis-auth-lens decode --json`. Input JSONL {id, token}; output JSONL {id, ref}."""
import base64, json, re, struct, sys, datetime

from impacket import ntlm, spnego
from impacket.krb5 import asn1 as kasn1
from pyasn1.codec.der import decoder as der
from pyasn1.type import univ

# MS-NLMP 2.2.2.5 names by bit value, taken from impacket's constants; reserved bits keep
# impacket's value but are matched by value only (the spec gives them no names).
SPEC_NAMES = {
    ntlm.NTLMSSP_NEGOTIATE_UNICODE: 'NTLMSSP_NEGOTIATE_UNICODE',
    ntlm.NTLM_NEGOTIATE_OEM: 'NTLM_NEGOTIATE_OEM',
    ntlm.NTLMSSP_REQUEST_TARGET: 'NTLMSSP_REQUEST_TARGET',
    ntlm.NTLMSSP_NEGOTIATE_SIGN: 'NTLMSSP_NEGOTIATE_SIGN',
    ntlm.NTLMSSP_NEGOTIATE_SEAL: 'NTLMSSP_NEGOTIATE_SEAL',
    ntlm.NTLMSSP_NEGOTIATE_DATAGRAM: 'NTLMSSP_NEGOTIATE_DATAGRAM',
    ntlm.NTLMSSP_NEGOTIATE_LM_KEY: 'NTLMSSP_NEGOTIATE_LM_KEY',
    ntlm.NTLMSSP_NEGOTIATE_NTLM: 'NTLMSSP_NEGOTIATE_NTLM',
    ntlm.NTLMSSP_NEGOTIATE_ANONYMOUS: 'NTLMSSP_NEGOTIATE_ANONYMOUS',
    ntlm.NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED: 'NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED',
    ntlm.NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED: 'NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED',
    ntlm.NTLMSSP_NEGOTIATE_ALWAYS_SIGN: 'NTLMSSP_NEGOTIATE_ALWAYS_SIGN',
    ntlm.NTLMSSP_TARGET_TYPE_DOMAIN: 'NTLMSSP_TARGET_TYPE_DOMAIN',
    ntlm.NTLMSSP_TARGET_TYPE_SERVER: 'NTLMSSP_TARGET_TYPE_SERVER',
    ntlm.NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY: 'NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY',
    ntlm.NTLMSSP_NEGOTIATE_IDENTIFY: 'NTLMSSP_NEGOTIATE_IDENTIFY',
    ntlm.NTLMSSP_REQUEST_NON_NT_SESSION_KEY: 'NTLMSSP_REQUEST_NON_NT_SESSION_KEY',
    ntlm.NTLMSSP_NEGOTIATE_TARGET_INFO: 'NTLMSSP_NEGOTIATE_TARGET_INFO',
    ntlm.NTLMSSP_NEGOTIATE_VERSION: 'NTLMSSP_NEGOTIATE_VERSION',
    ntlm.NTLMSSP_NEGOTIATE_128: 'NTLMSSP_NEGOTIATE_128',
    ntlm.NTLMSSP_NEGOTIATE_KEY_EXCH: 'NTLMSSP_NEGOTIATE_KEY_EXCH',
    ntlm.NTLMSSP_NEGOTIATE_56: 'NTLMSSP_NEGOTIATE_56',
}

def flag_list(flags):
    out = []
    for bit in range(32):
        v = 1 << bit
        if flags & v:
            out.append(SPEC_NAMES.get(v, f'reserved:0x{v:08x}'))
    return out

def filetime(b):
    v = struct.unpack('<Q', b[:8])[0]
    if v == 0:
        return None
    dt = datetime.datetime(1601, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(microseconds=v // 10)
    return dt.isoformat(timespec='milliseconds').replace('+00:00', 'Z')

def version_text(v):
    if not v or len(v) < 8:
        return None
    ver = ntlm.VERSION(v)
    if ver['ProductMajorVersion'] == 0 and ver['ProductMinorVersion'] == 0 and ver['ProductBuild'] == 0:
        return None
    return f"{ver['ProductMajorVersion']}.{ver['ProductMinorVersion']}.{ver['ProductBuild']}"

def av_pairs(raw):
    pairs = ntlm.AV_PAIRS(raw)
    get = lambda k: pairs[k][1] if pairs[k] is not None else None
    return pairs, get

def ntlm_ref(b):
    mtype = struct.unpack('<I', b[8:12])[0]
    r = {'messageType': mtype}
    if mtype == 1:
        m = ntlm.NTLMAuthNegotiate(); m.fromString(b)
        r['flags'] = flag_list(m['flags'])
        r['domain'] = m['domain_name'].decode('latin-1') or None
        r['workstation'] = m['host_name'].decode('latin-1') or None
        r['osVersion'] = version_text(m['os_version'].getData() if m['os_version'] else None)
        r.update(spn=None, channelBindings=None, channelBindingsState='absent', mic=False, ntlmVersion=None, timestamp=None, targetName=None, user=None)
    elif mtype == 2:
        m = ntlm.NTLMAuthChallenge(); m.fromString(b)
        uni = m['flags'] & ntlm.NTLMSSP_NEGOTIATE_UNICODE
        r['flags'] = flag_list(m['flags'])
        tn = m['domain_name']
        r['targetName'] = (tn.decode('utf-16-le') if uni else tn.decode('latin-1')) if tn else None
        ts = None
        if m['TargetInfoFields']:
            _, get = av_pairs(m['TargetInfoFields'])
            t = get(ntlm.NTLMSSP_AV_TIME)
            ts = filetime(t) if t else None
        r['timestamp'] = ts
        r['osVersion'] = version_text(m['Version'])
        r.update(spn=None, channelBindings=None, channelBindingsState='absent', mic=False, ntlmVersion=None, domain=None, user=None, workstation=None)
    elif mtype == 3:
        m = ntlm.NTLMAuthChallengeResponse(); m.fromString(b)
        uni = m['flags'] & ntlm.NTLMSSP_NEGOTIATE_UNICODE
        dec = (lambda x: x.decode('utf-16-le')) if uni else (lambda x: x.decode('latin-1'))
        r['flags'] = flag_list(m['flags'])
        r['domain'] = dec(m['domain_name']); r['user'] = dec(m['user_name']); r['workstation'] = dec(m['host_name'])
        nt = m['ntlm']
        r['ntlmVersion'] = 1 if len(nt) == 24 else 2 if len(nt) > 24 else None
        spn = cb = ts = None; avflags = None
        if len(nt) > 24:
            _, get = av_pairs(nt[44:])
            s = get(ntlm.NTLMSSP_AV_TARGET_NAME); spn = s.decode('utf-16-le') if s is not None else None
            c = get(ntlm.NTLMSSP_AV_CHANNEL_BINDINGS); cb = c.hex() if c is not None else None
            t = get(ntlm.NTLMSSP_AV_TIME); ts = filetime(t) if t else None
            f = get(ntlm.NTLMSSP_AV_FLAGS); avflags = struct.unpack('<I', f[:4])[0] if f else None
        r['spn'] = spn; r['channelBindings'] = cb
        r['channelBindingsState'] = 'absent' if cb is None else 'zero' if set(bytes.fromhex(cb)) <= {0} else 'present'
        r['timestamp'] = ts
        # impacket assumes VERSION and MIC fields exist when NEGOTIATE_VERSION is set (its own TODO);
        # the spec places them before the payload, so the independent check is "payload starts at 88".
        offs = [o for o, l in ((m['domain_offset'], 1), (m['user_offset'], 1), (m['host_offset'], 1), (m['lanman_offset'], 1), (m['ntlm_offset'], 1), (m['session_key_offset'], 1)) if 64 <= o <= len(b)]
        payload = min(offs) if offs else 64
        r['_micFieldImpacket'] = len(m['MIC']) == 16
        r['_micFieldByOffset'] = payload >= 88
        r['_avFlags'] = avflags
        r['mic'] = bool(avflags is not None and avflags & 2 and payload >= 88)
        r['_micImpacketRule'] = bool(avflags is not None and avflags & 2 and len(m['MIC']) == 16)
        r['osVersion'] = version_text(m['Version']) if payload >= 72 else None
        r['_osVersionImpacket'] = version_text(m['Version'])
        r['targetName'] = None
    else:
        raise ValueError(f'message type {mtype}')
    return r

def oid_str(raw):
    return str(der.decode(bytes([6, len(raw)]) + raw, asn1Spec=univ.ObjectIdentifier())[0])

NEG = {b'\x00': 'accept-completed', b'\x01': 'accept-incomplete', b'\x02': 'reject', b'\x03': 'request-mic'}
KRB_OIDS = {'1.2.840.113554.1.2.2', '1.2.840.48018.1.2.2', '1.2.840.113554.1.2.2.3'}

def krb_ref(b):
    tok = b
    if b[0] == 0x60:
        g = spnego.GSSAPI(b)
        oid = oid_str(g['OID'])
        if oid not in KRB_OIDS:
            raise ValueError(f'GSS OID {oid}')
        tok = g['Payload'][2:]
    if tok[0] == 0x6e:
        ap = der.decode(tok, asn1Spec=kasn1.AP_REQ())[0]
        t = ap['ticket']
        return {'messageType': 'AP-REQ', 'realm': str(t['realm']), 'sname': '/'.join(str(x) for x in t['sname']['name-string']), 'etype': int(t['enc-part']['etype'])}
    if tok[0] == 0x6f:
        ap = der.decode(tok, asn1Spec=kasn1.AP_REP())[0]
        return {'messageType': 'AP-REP', 'realm': None, 'sname': None, 'etype': int(ap['enc-part']['etype'])}
    if tok[0] == 0x7e:
        e = der.decode(tok, asn1Spec=kasn1.KRB_ERROR())[0]
        sn = e['sname']
        return {'messageType': 'KRB-ERROR', 'realm': str(e['realm']), 'sname': '/'.join(str(x) for x in sn['name-string']) if sn.isValue else None, 'etype': None, 'errorCode': int(e['error-code'])}
    raise ValueError(f'not kerberos 0x{tok[0]:02x}')

def decode(b):
    if b[:8] == b'NTLMSSP\x00':
        return {'mechanism': 'NTLM', 'ntlm': ntlm_ref(b)}
    if b[0] == 0x60:
        g = spnego.GSSAPI(b)
        oid = oid_str(g['OID'])
        if oid in KRB_OIDS:
            return {'mechanism': 'Kerberos', 'kerberos': krb_ref(b)}
        init = spnego.SPNEGO_NegTokenInit(b)
        sp = {'mechTypes': [oid_str(x) for x in init['MechTypes']], 'state': None}
        inner = init.fields.get('MechToken')
    elif b[0] == 0xa1:
        resp = spnego.SPNEGO_NegTokenResp(b)
        st = resp.fields.get('NegState')
        sm = resp.fields.get('SupportedMech')
        sp = {'mechTypes': [oid_str(sm)] if sm else [], 'state': NEG.get(st, st.hex() if st else None)}
        inner = resp.fields.get('ResponseToken')
    elif b[0] in (0x6e, 0x6f, 0x7e):
        return {'mechanism': 'Kerberos', 'kerberos': krb_ref(b)}
    else:
        raise ValueError(f'unknown first byte 0x{b[0]:02x}')
    out = {'mechanism': 'SPNEGO', 'spnego': sp}
    if inner:
        if inner[:8] == b'NTLMSSP\x00':
            out['mechanism'] = 'NTLM'; out['ntlm'] = ntlm_ref(inner)
        else:
            out['mechanism'] = 'Kerberos'; out['kerberos'] = krb_ref(inner)
    return out

def token_of(text):
    t = text.strip()
    m = re.search(r'(?:^|\s)(?:Negotiate|NTLM|Kerberos)[ +]([A-Za-z0-9+/=]+)', t, re.I)
    return m.group(1) if m else t.split()[-1]

for line in sys.stdin:
    line = line.strip()
    if not line:
        continue
    rec = json.loads(line)
    try:
        tok = token_of(rec['token'])
        b = base64.b64decode(tok + '=' * (-len(tok) % 4))
        ref = decode(b)
        print(json.dumps({'id': rec['id'], 'ref': ref}))
    except Exception as e:  # noqa: BLE001
        print(json.dumps({'id': rec['id'], 'error': f'{type(e).__name__}: {e}'}))
