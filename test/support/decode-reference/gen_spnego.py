"""SPNEGO shapes Windows sends, built with pyasn1 (DER) around real MIT krb5 / gss-ntlmssp inner
tokens: NegTokenInit with the Windows mechTypes order [MS-KRB5, KRB5, NEGOEX, NTLM], with reqFlags,
with mechListMIC; NegTokenResp reject, supportedMech only, accept-completed + AP-REP,
KRB-ERROR inside a reject. Expected values are written by construction ("expect")."""
import base64, json, os, sys, tempfile
WORK = sys.argv[1] if len(sys.argv) > 1 else os.path.join(tempfile.gettempdir(), 'decode-ref')
from pyasn1.codec.der import encoder
from pyasn1.type import univ, tag, namedtype

def ctx(n, inner):
    # explicit context tag [n] around DER `inner`
    return bytes([0xa0 | n]) + der_len(len(inner)) + inner

def der_len(n):
    if n < 0x80: return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, 'big')
    return bytes([0x80 | len(b)]) + b

def seq(*parts):
    body = b''.join(parts); return b'\x30' + der_len(len(body)) + body

def oid(s):
    return encoder.encode(univ.ObjectIdentifier(s))

def octets(b):
    return b'\x04' + der_len(len(b)) + b

def enum(v):
    return b'\x0a\x01' + bytes([v])

def gss_spnego(inner):
    body = oid('1.3.6.1.5.5.2') + inner
    return b'\x60' + der_len(len(body)) + body

MS_KRB5, KRB5, NEGOEX, NTLM = '1.2.840.48018.1.2.2', '1.2.840.113554.1.2.2', '1.3.6.1.4.1.311.2.2.30', '1.3.6.1.4.1.311.2.2.10'
toks = {json.loads(l)['id']: json.loads(l) for l in open(os.path.join(WORK, 'gss.jsonl'))}
toks.update({json.loads(l)['id']: json.loads(l) for l in open(os.path.join(WORK, 'gss2.jsonl'))})
apreq = base64.b64decode(toks['gss003-init']['token'])   # GSS KRB5 AP-REQ, aes256, HTTP/aes256cts.contoso.test
aprep = base64.b64decode(toks['gss003-resp']['token'])   # GSS KRB5 AP-REP
ntlm1 = base64.b64decode(toks['ngss001-c1']['token'])
win_mechs = seq(oid(MS_KRB5), oid(KRB5), oid(NEGOEX), oid(NTLM))
krb_err = bytes.fromhex('7E60305EA003020105A10302011EA305020301E240A411180F31393934303631303036303331375AA505020301E240A60302013CA9101B0E415448454E412E4D49542E454455AA1A3018A003020101A111300F1B066866747361691B056578747261')
ap = {'realm': 'CONTOSO.TEST', 'sname': 'HTTP/aes256cts.contoso.test', 'etype': 18}
cases = [
  ('win-init-krb', gss_spnego(ctx(0, seq(ctx(0, win_mechs), ctx(2, octets(apreq))))),
   {'mechanism': 'Kerberos', 'spnego': {'mechTypes': [MS_KRB5, KRB5, NEGOEX, NTLM], 'state': None}, 'kerberos': ap}),
  ('win-init-reqflags', gss_spnego(ctx(0, seq(ctx(0, win_mechs), ctx(1, b'\x03\x02\x01\x06'), ctx(2, octets(apreq))))),
   {'mechanism': 'Kerberos', 'spnego': {'mechTypes': [MS_KRB5, KRB5, NEGOEX, NTLM], 'state': None}, 'kerberos': ap}),
  ('win-init-miclist', gss_spnego(ctx(0, seq(ctx(0, win_mechs), ctx(2, octets(apreq)), ctx(3, octets(b'\x01' * 16))))),
   {'mechanism': 'Kerberos', 'spnego': {'mechTypes': [MS_KRB5, KRB5, NEGOEX, NTLM], 'state': None}, 'kerberos': ap}),
  ('win-init-ntlm-fallback', gss_spnego(ctx(0, seq(ctx(0, win_mechs), ctx(2, octets(ntlm1))))),
   {'mechanism': 'NTLM', 'spnego': {'mechTypes': [MS_KRB5, KRB5, NEGOEX, NTLM], 'state': None}, 'ntlm': {'messageType': 1}}),
  ('win-init-no-token', gss_spnego(ctx(0, seq(ctx(0, win_mechs)))),
   {'mechanism': 'SPNEGO', 'spnego': {'mechTypes': [MS_KRB5, KRB5, NEGOEX, NTLM], 'state': None}}),
  ('resp-reject', ctx(1, seq(ctx(0, enum(2)))),
   {'mechanism': 'SPNEGO', 'spnego': {'mechTypes': [], 'state': 'reject'}}),
  ('resp-supported-only', ctx(1, seq(ctx(0, enum(1)), ctx(1, oid(NTLM)))),
   {'mechanism': 'SPNEGO', 'spnego': {'mechTypes': [NTLM], 'state': 'accept-incomplete'}}),
  ('win-resp-aprep', ctx(1, seq(ctx(0, enum(0)), ctx(1, oid(MS_KRB5)), ctx(2, octets(aprep)))),
   {'mechanism': 'Kerberos', 'spnego': {'mechTypes': [MS_KRB5], 'state': 'accept-completed'}, 'kerberos': {'realm': None, 'sname': None, 'etype': 18}}),
  ('resp-reject-krb-error', ctx(1, seq(ctx(0, enum(2)), ctx(1, oid(KRB5)), ctx(2, octets(krb_err)))),
   {'mechanism': 'Kerberos', 'spnego': {'mechTypes': [KRB5], 'state': 'reject'}, 'kerberos': {'realm': 'ATHENA.MIT.EDU', 'sname': 'hftsai/extra', 'etype': None}}),
  ('resp-request-mic', ctx(1, seq(ctx(0, enum(3)), ctx(3, octets(b'\x02' * 16)))),
   {'mechanism': 'SPNEGO', 'spnego': {'mechTypes': [], 'state': 'request-mic'}}),
]
for name, b, exp in cases:
    print(json.dumps({'id': 'spn-' + name, 'source': 'constructed SPNEGO (pyasn1 DER) ' + name, 'token': base64.b64encode(b).decode(), 'expect': exp}))
