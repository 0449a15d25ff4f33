#!/usr/bin/python3
"""An NTLM/Negotiate endpoint independent of our TypeScript code, for checking the probe.

Run with /usr/bin/python3 (Debian python3-ntlm-auth). Serves HTTPS (--plain-http: HTTP) on 127.0.0.1 at any path
(the probe uses /EWS/mrsproxy.svc) with http.server (threading, HTTP/1.1 keep-alive):

- anonymous requests get 401 with `WWW-Authenticate: Negotiate` and `WWW-Authenticate: NTLM`
  (--offers combined: one header line `Negotiate, NTLM`; --offers negotiate: Negotiate only);
- raw NTLM under both schemes; SPNEGO-wrapped NTLM under Negotiate, answered with a SPNEGO
  NegTokenResp (--negotiate-reply raw: answered with the raw NTLM challenge, as some servers do);
- the CHALLENGE carries target info AV pairs and a timestamp (--no-target-info: none);
- the NTLMv2 response is verified for the configured account with ntlm_auth's NTOWFv2
  (ntlm_auth.compute_hash) and HMAC-MD5; the channel bindings against the certificate's
  tls-server-end-point hash (RFC 5929) packed with ntlm_auth.gss_channel_bindings;
- --ep none|accept|require like IIS Extended Protection Off / Accept / Require;
- success answers --success-status (400 like MRS for a bodiless POST, or 200);
- NTLM state lives per TCP connection (the handler instance) and dies with it;
- --chunked sends 401 bodies chunked; --http10 speaks HTTP/1.0 with Connection: keep-alive;
- --no-spnego refuses SPNEGO under Negotiate (raw NTLM only); --lowercase writes `www-authenticate:
  negotiate` / `ntlm` (header and scheme names are case-insensitive);
- --persist-auth keeps a connection logged on after success (IIS's connection-based NTLM);
- --stall-authenticate S waits S seconds before answering the AUTHENTICATE leg (client timeouts);
- --close-after-challenge sends Connection: close with the challenge (the handshake cannot finish).

Prints `READY <port>` on stdout once listening; logs one line per request on stderr in an IIS-like
shape: `POST /EWS/mrsproxy.svc 401 1 2148074310 conn=3`.
"""
import argparse
import base64
import hashlib
import hmac
import os
import ssl
import struct
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

try:
    from ntlm_auth import compute_hash
    from ntlm_auth.constants import AvId, NegotiateFlags
    from ntlm_auth.gss_channel_bindings import GssChannelBindingsStruct
    from ntlm_auth.messages import TargetInfo
    from ntlm_auth.rc4 import ARC4
    from ntlm_auth.session_security import SessionSecurity
except ImportError as e:  # pragma: no cover
    sys.stderr.write('independent_ntlm_server: python3-ntlm-auth is missing (%s); run scripts/setup-system.sh\n' % e)
    sys.exit(3)

from cryptography import x509
from cryptography.hazmat.primitives import hashes

NTLMSSP = b'NTLMSSP\x00'
SPNEGO_OID_NTLM = bytes.fromhex('060a2b06010401823702020a')  # 1.3.6.1.4.1.311.2.2.10
SEC_E_LOGON_DENIED = 2148074252
SEC_E_BAD_BINDINGS = 2148074310
SEC_E_INVALID_TOKEN = 2148074248


# ---------------------------------------------------------------------------------------------
# MD4 (RFC 1320): OpenSSL 3 hides it in the legacy provider, which ntlm_auth's hashlib.new('md4')
# then cannot reach. ntlm_auth accepts "LMHASH:NTHASH" in place of a password, so we hand it the
# NT hash computed here.

def _md4(data):
    def f(x, y, z): return (x & y) | (~x & z)
    def g(x, y, z): return (x & y) | (x & z) | (y & z)
    def h(x, y, z): return x ^ y ^ z
    def rol(v, s): v &= 0xffffffff; return ((v << s) | (v >> (32 - s))) & 0xffffffff
    msg = bytearray(data)
    bitlen = (8 * len(data)) & 0xffffffffffffffff
    msg.append(0x80)
    while len(msg) % 64 != 56:
        msg.append(0)
    msg += struct.pack('<Q', bitlen)
    a, b, c, d = 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476
    for off in range(0, len(msg), 64):
        x = struct.unpack('<16I', bytes(msg[off:off + 64]))
        aa, bb, cc, dd = a, b, c, d
        for i, s in zip((0, 4, 8, 12), ((3, 7, 11, 19),) * 4):
            a = rol(a + f(b, c, d) + x[i], s[0]); d = rol(d + f(a, b, c) + x[i + 1], s[1])
            c = rol(c + f(d, a, b) + x[i + 2], s[2]); b = rol(b + f(c, d, a) + x[i + 3], s[3])
        for i in range(4):
            a = rol(a + g(b, c, d) + x[i] + 0x5a827999, 3); d = rol(d + g(a, b, c) + x[i + 4] + 0x5a827999, 5)
            c = rol(c + g(d, a, b) + x[i + 8] + 0x5a827999, 9); b = rol(b + g(c, d, a) + x[i + 12] + 0x5a827999, 13)
        for i in (0, 2, 1, 3):
            a = rol(a + h(b, c, d) + x[i] + 0x6ed9eba1, 3); d = rol(d + h(a, b, c) + x[i + 8] + 0x6ed9eba1, 9)
            c = rol(c + h(d, a, b) + x[i + 4] + 0x6ed9eba1, 11); b = rol(b + h(c, d, a) + x[i + 12] + 0x6ed9eba1, 15)
        a, b, c, d = (a + aa) & 0xffffffff, (b + bb) & 0xffffffff, (c + cc) & 0xffffffff, (d + dd) & 0xffffffff
    return struct.pack('<4I', a, b, c, d)


def ntowfv2(user, password, domain):
    try:
        hashlib.new('md4', b'')
        secret = password
    except ValueError:
        secret = '00' * 16 + ':' + _md4(password.encode('utf-16-le')).hex()
    return compute_hash._ntowfv2(user, secret, domain)


# ---------------------------------------------------------------------------------------------
# Channel bindings (RFC 5929 tls-server-end-point, MS-NLMP MsvAvChannelBindings)

def channel_bindings_hash(cert_pem):
    cert = x509.load_pem_x509_certificate(cert_pem)
    algo = cert.signature_hash_algorithm
    if algo is None or algo.name in ('md5', 'sha1'):
        algo = hashes.SHA256()
    h = hashes.Hash(type(algo)())
    h.update(cert.public_bytes(encoding=__import__('cryptography.hazmat.primitives.serialization', fromlist=['Encoding']).Encoding.DER))
    cb = GssChannelBindingsStruct()
    cb[cb.APPLICATION_DATA] = b'tls-server-end-point:' + h.finalize()
    return hashlib.md5(cb.get_data()).digest()


# ---------------------------------------------------------------------------------------------
# A small DER walk for SPNEGO

def der_read(buf, pos):
    """(tag, content start, content end) of the TLV at pos."""
    if pos + 2 > len(buf):
        raise ValueError('DER: truncated at %d' % pos)
    tag = buf[pos]
    ln = buf[pos + 1]
    pos += 2
    if ln & 0x80:
        n = ln & 0x7f
        if n == 0 or n > 4 or pos + n > len(buf):
            raise ValueError('DER: bad length at %d' % pos)
        ln = int.from_bytes(buf[pos:pos + n], 'big')
        pos += n
    if pos + ln > len(buf):
        raise ValueError('DER: element at %d runs past the end' % pos)
    return tag, pos, pos + ln


def find_ntlm_in_der(buf, pos=0, end=None, depth=0):
    """The first OCTET STRING whose content starts with NTLMSSP, anywhere in the DER tree."""
    end = len(buf) if end is None else end
    while pos < end and depth < 12:
        tag, start, stop = der_read(buf, pos)
        if tag == 0x04 and buf[start:start + 8] == NTLMSSP:
            return buf[start:stop]
        if tag & 0x20:  # constructed
            found = find_ntlm_in_der(buf, start, stop, depth + 1)
            if found is not None:
                return found
        pos = stop
    return None


def der_children(buf, start, end):
    out = {}
    pos = start
    while pos < end:
        tag, cs, ce = der_read(buf, pos)
        out.setdefault(tag, (pos, cs, ce))
        pos = ce
    return out


def spnego_fields(raw):
    """NegTokenInit: {'mechTypes': DER of the MechTypeList} / NegTokenResp: {'mechListMIC': bytes}."""
    tag, cs, ce = der_read(raw, 0)
    if tag == 0x60:  # [APPLICATION 0] { OID spnego, [0] NegTokenInit }
        kids = der_children(raw, cs, ce)
        if 0xa0 not in kids:
            raise ValueError('NegTokenInit without [0]')
        _, s0, e0 = kids[0xa0]
        t, s1, e1 = der_read(raw, s0)
        fields = der_children(raw, s1, e1)
        if 0xa0 not in fields:
            raise ValueError('NegTokenInit without mechTypes')
        _, ms, me = fields[0xa0]
        mt = der_read(raw, ms)
        return {'mechTypes': raw[ms:mt[2]]}
    if tag == 0xa1:  # NegTokenResp
        t, s1, e1 = der_read(raw, cs)
        fields = der_children(raw, s1, e1)
        if 0xa3 in fields:
            _, ms, me = fields[0xa3]
            t, os_, oe = der_read(raw, ms)
            return {'mechListMIC': raw[os_:oe]}
        return {}
    raise ValueError('not a SPNEGO token (tag 0x%02x)' % tag)


def der(tag, content):
    n = len(content)
    if n < 0x80:
        head = bytes([tag, n])
    else:
        ln = n.to_bytes((n.bit_length() + 7) // 8, 'big')
        head = bytes([tag, 0x80 | len(ln)]) + ln
    return head + content


def neg_token_resp(neg_state, ntlm_token=None, with_mech=False):
    parts = der(0xa0, der(0x0a, bytes([neg_state])))
    if with_mech:
        parts += der(0xa1, SPNEGO_OID_NTLM)
    if ntlm_token is not None:
        parts += der(0xa2, der(0x04, ntlm_token))
    return der(0xa1, der(0x30, parts))


# ---------------------------------------------------------------------------------------------
# NTLM messages

def field(msg, off):
    ln, _max, at = struct.unpack('<HHI', msg[off:off + 8])
    if at + ln > len(msg):
        raise ValueError('field at offset %d points past the message' % off)
    return msg[at:at + ln]


def windows_time():
    import time
    return struct.pack('<Q', int((time.time() + 11644473600) * 10000000))


def challenge_message(server_challenge, with_target_info, minimal=False):
    flags = (NegotiateFlags.NTLMSSP_NEGOTIATE_UNICODE | NegotiateFlags.NTLMSSP_REQUEST_TARGET
             | NegotiateFlags.NTLMSSP_NEGOTIATE_NTLM | NegotiateFlags.NTLMSSP_TARGET_TYPE_DOMAIN) if minimal else (NegotiateFlags.NTLMSSP_NEGOTIATE_UNICODE | NegotiateFlags.NTLMSSP_REQUEST_TARGET
             | NegotiateFlags.NTLMSSP_NEGOTIATE_NTLM | NegotiateFlags.NTLMSSP_NEGOTIATE_ALWAYS_SIGN
             | NegotiateFlags.NTLMSSP_TARGET_TYPE_DOMAIN
             | NegotiateFlags.NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY
             | NegotiateFlags.NTLMSSP_NEGOTIATE_128 | NegotiateFlags.NTLMSSP_NEGOTIATE_56
             | NegotiateFlags.NTLMSSP_NEGOTIATE_KEY_EXCH | NegotiateFlags.NTLMSSP_NEGOTIATE_SIGN
             | NegotiateFlags.NTLMSSP_NEGOTIATE_VERSION)
    target_name = 'CONTOSO'.encode('utf-16-le')
    ti = b''
    if with_target_info:
        flags |= NegotiateFlags.NTLMSSP_NEGOTIATE_TARGET_INFO
        info = TargetInfo()
        info[AvId.MSV_AV_NB_DOMAIN_NAME] = 'CONTOSO'.encode('utf-16-le')
        info[AvId.MSV_AV_NB_COMPUTER_NAME] = 'EX01'.encode('utf-16-le')
        info[AvId.MSV_AV_DNS_DOMAIN_NAME] = 'contoso.test'.encode('utf-16-le')
        info[AvId.MSV_AV_DNS_COMPUTER_NAME] = 'ex01.contoso.test'.encode('utf-16-le')
        info[AvId.MSV_AV_DNS_TREE_NAME] = 'contoso.test'.encode('utf-16-le')
        info[AvId.MSV_AV_TIMESTAMP] = windows_time()
        ti = info.pack()
    header_len = 56
    version = struct.pack('<BBHBBBB', 10, 0, 20348, 0, 0, 0, 15)
    msg = NTLMSSP + struct.pack('<I', 2)
    msg += struct.pack('<HHI', len(target_name), len(target_name), header_len)
    msg += struct.pack('<I', flags) + server_challenge + b'\x00' * 8
    msg += struct.pack('<HHI', len(ti), len(ti), header_len + len(target_name))
    msg += version
    assert len(msg) == header_len
    return msg + target_name + ti


class Verdict(Exception):
    def __init__(self, win32, why):
        super().__init__(why)
        self.win32 = win32


def verify_authenticate(msg, server_challenge, account, ep, expected_cbt, type1=b'', type2=b''):
    """Raises Verdict when the AUTHENTICATE message fails; returns (user, flags, exported session key)."""
    if msg[:8] != NTLMSSP or len(msg) < 64 or struct.unpack('<I', msg[8:12])[0] != 3:
        raise Verdict(SEC_E_INVALID_TOKEN, 'not an NTLM AUTHENTICATE message')
    nt = field(msg, 20)
    domain = field(msg, 28).decode('utf-16-le', 'replace')
    user = field(msg, 36).decode('utf-16-le', 'replace')
    if len(nt) <= 24:
        raise Verdict(SEC_E_LOGON_DENIED, 'NTLMv1 response refused (LmCompatibilityLevel 5)')
    if user.upper() != account['user'].upper() or domain.upper() != account['domain'].upper():
        raise Verdict(SEC_E_LOGON_DENIED, 'unknown account %s\\%s' % (domain, user))
    key = ntowfv2(account['user'], account['password'], account['domain'])
    proof, blob = nt[:16], nt[16:]
    if not hmac.compare_digest(hmac.new(key, server_challenge + blob, hashlib.md5).digest(), proof):
        raise Verdict(SEC_E_LOGON_DENIED, 'NTProofStr does not match (wrong password)')
    # blob: RespType, HiRespType, 6 reserved, timestamp 8, client challenge 8, 4 reserved, AV pairs
    info = TargetInfo()
    try:
        info.unpack(blob[28:])
    except Exception:
        raise Verdict(SEC_E_INVALID_TOKEN, 'AV pairs of the client blob are malformed')
    # MS-NLMP 3.3.2: SessionBaseKey = HMAC_MD5(NTOWFv2, NTProofStr); with KEY_EXCH the client's
    # random session key comes RC4-encrypted under it. The MIC covers all three messages.
    flags = struct.unpack('<I', msg[60:64])[0]
    session_base_key = hmac.new(key, proof, hashlib.md5).digest()
    exported = session_base_key
    if flags & NegotiateFlags.NTLMSSP_NEGOTIATE_KEY_EXCH:
        enc = field(msg, 52)
        if len(enc) != 16:
            raise Verdict(SEC_E_INVALID_TOKEN, 'KEY_EXCH without a 16-byte EncryptedRandomSessionKey')
        exported = ARC4(session_base_key).update(enc)
    av_flags = info[AvId.MSV_AV_FLAGS]
    if av_flags and struct.unpack('<I', av_flags)[0] & 0x2:
        if len(msg) < 88:
            raise Verdict(SEC_E_INVALID_TOKEN, 'MsvAvFlags says MIC present but the message has no MIC field')
        mic = msg[72:88]
        zeroed = msg[:72] + b'\x00' * 16 + msg[88:]
        if not hmac.compare_digest(hmac.new(exported, type1 + type2 + zeroed, hashlib.md5).digest(), mic):
            raise Verdict(SEC_E_INVALID_TOKEN, 'MIC does not match')
        checked = 'MIC ok'
    else:
        checked = 'no MIC'
    cbt = info[AvId.MSV_AV_CHANNEL_BINDINGS]
    zero = cbt is None or cbt == b'\x00' * 16
    if ep == 'require' and zero:
        raise Verdict(SEC_E_BAD_BINDINGS, 'Extended Protection Require: no channel bindings')
    if ep in ('accept', 'require') and not zero and cbt != expected_cbt:
        raise Verdict(SEC_E_BAD_BINDINGS, 'channel bindings %s, expected %s' % (cbt.hex(), expected_cbt.hex()))
    return '%s\\%s %s' % (domain, user, checked), flags, exported


# ---------------------------------------------------------------------------------------------
# HTTP

class Handler(BaseHTTPRequestHandler):
    server_version = 'Microsoft-IIS/10.0'
    sys_version = ''
    conn_counter = [0]

    def setup(self):
        super().setup()
        Handler.conn_counter[0] += 1
        self.conn_id = Handler.conn_counter[0]
        self.ntlm = None  # (scheme, spnego, server_challenge, ...) after a challenge on THIS connection
        self.authenticated = None  # with --persist-auth: the user this connection logged on as

    def log_message(self, fmt, *args):
        pass

    def iis_log(self, status, sub, win32, note=''):
        sys.stderr.write('%s %s %d %d %d conn=%d %s\n' % (self.command, self.path, status, sub, win32, self.conn_id, note))
        sys.stderr.flush()

    def drain(self):
        n = int(self.headers.get('Content-Length') or 0)
        if n:
            self.rfile.read(n)

    def answer(self, status, www=(), body=b'', close=False):
        o = self.server.opts
        self.send_response(status)
        for w in www:
            if o.lowercase:
                name, _, rest = w.partition(' ')
                w = w.lower() if ',' in w else name.lower() + (' ' + rest if rest else '')
            self.send_header('www-authenticate' if o.lowercase else 'WWW-Authenticate', w)
        self.send_header('Content-Type', 'text/html')
        if close:
            self.send_header('Connection', 'close')
            self.close_connection = True
        elif o.http10:
            self.send_header('Connection', 'keep-alive')
        if o.chunked and status == 401 and not o.http10:
            self.send_header('Transfer-Encoding', 'chunked')
            self.end_headers()
            for i in range(0, len(body), 7):
                piece = body[i:i + 7]
                self.wfile.write(b'%x\r\n%s\r\n' % (len(piece), piece))
            self.wfile.write(b'0\r\n\r\n')
        else:
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        self.wfile.flush()

    def offers(self):
        if self.server.opts.offers == 'combined':
            return ['Negotiate, NTLM']
        if self.server.opts.offers == 'negotiate':
            return ['Negotiate']
        return ['Negotiate', 'NTLM']

    def deny(self, win32, why):
        self.ntlm = None
        self.iis_log(401, 1, win32, why)
        self.answer(401, self.offers(), b'<h1>401 - Unauthorized: Access is denied due to invalid credentials.</h1>')

    def handle_auth(self):
        o = self.server.opts
        self.drain()
        auth = self.headers.get('Authorization')
        if not auth and o.persist_auth and self.authenticated:
            self.iis_log(o.success_status, 0, 0, '%s (connection already authenticated)' % self.authenticated)
            return self.answer(o.success_status, [], b'')
        if not auth:
            self.ntlm = None
            self.iis_log(401, 2, 5)
            self.answer(401, self.offers(), b'<h1>401 - Unauthorized: Access is denied due to invalid credentials.</h1>')
            return
        scheme, _, tok = auth.strip().partition(' ')
        scheme = scheme.lower()
        if scheme not in ('ntlm', 'negotiate'):
            return self.deny(SEC_E_INVALID_TOKEN, 'scheme %s not offered' % scheme)
        try:
            raw = base64.b64decode(tok.strip(), validate=True)
            spnego = not raw.startswith(NTLMSSP)
            if spnego and scheme != 'negotiate':
                raise ValueError('SPNEGO under NTLM')
            msg = find_ntlm_in_der(raw) if spnego else raw
            if msg is None:
                raise ValueError('no NTLM token in the SPNEGO message (Kerberos?)')
            if spnego and o.no_spnego:
                raise ValueError('SPNEGO not accepted here (--no-spnego)')
            mtype = struct.unpack('<I', msg[8:12])[0]
        except Exception as e:  # garbage: IIS answers 401 with SEC_E_INVALID_TOKEN
            return self.deny(SEC_E_INVALID_TOKEN, 'bad token: %s' % e)
        wrap_reply = spnego and o.negotiate_reply == 'spnego'
        try:
            spnego_info = spnego_fields(raw) if spnego else {}
        except Exception as e:
            return self.deny(SEC_E_INVALID_TOKEN, 'bad SPNEGO: %s' % e)
        if mtype == 1:
            server_challenge = os.urandom(8)
            ch = challenge_message(server_challenge, not o.no_target_info, o.minimal_flags)
            self.ntlm = (scheme, spnego, server_challenge, msg, ch, spnego_info.get('mechTypes'))
            out = neg_token_resp(1, ch, True) if wrap_reply else ch
            name = 'Negotiate' if scheme == 'negotiate' else 'NTLM'
            self.iis_log(401, 1, 2148074254)
            self.answer(401, ['%s %s' % (name, base64.b64encode(out).decode())], b'<h1>401 - Unauthorized</h1>',
                        close=o.close_after_challenge)
            return
        if mtype != 3 or self.ntlm is None:
            return self.deny(SEC_E_INVALID_TOKEN, 'AUTHENTICATE without a challenge on this connection')
        if self.ntlm[0] != scheme:
            return self.deny(SEC_E_INVALID_TOKEN, 'scheme changed within the handshake')
        if o.stall_authenticate:
            import time
            time.sleep(o.stall_authenticate)
        _, _, server_challenge, type1, type2, mech_types = self.ntlm
        self.ntlm = None
        try:
            who, flags, exported = verify_authenticate(msg, server_challenge, self.server.account, o.ep, self.server.cbt, type1, type2)
            mech_list_mic = spnego_info.get('mechListMIC')
            if mech_list_mic is not None:
                if mech_types is None:
                    raise Verdict(SEC_E_INVALID_TOKEN, 'mechListMIC without a NegTokenInit on this connection')
                try:
                    SessionSecurity(flags, exported, source='server')._verify_signature(mech_types, mech_list_mic)
                except Exception as e:
                    raise Verdict(SEC_E_INVALID_TOKEN, 'mechListMIC: %s' % e)
                who += ' mechListMIC ok'
        except Verdict as v:
            return self.deny(v.win32, str(v))
        except Exception as e:  # truncated or hostile AUTHENTICATE: 401 like IIS, never a dropped connection
            return self.deny(SEC_E_INVALID_TOKEN, 'malformed AUTHENTICATE: %s' % e)
        self.authenticated = who
        self.iis_log(o.success_status, 0, 0, who)
        www = []
        if scheme == 'negotiate' and wrap_reply:
            www = ['Negotiate ' + base64.b64encode(neg_token_resp(0)).decode()]
        body = b'' if o.success_status == 400 else b'<h1>ok</h1>'
        self.answer(o.success_status, www, body)

    do_GET = handle_auth
    do_POST = handle_auth


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--cert', required=True)
    p.add_argument('--key', required=True)
    p.add_argument('--port', type=int, default=0)
    p.add_argument('--ep', choices=('none', 'accept', 'require'), default='none')
    p.add_argument('--account', default='CONTOSO\\mrsadmin')
    p.add_argument('--password-env', default='NTLM_TEST_PASSWORD', help='environment variable holding the password')
    p.add_argument('--offers', choices=('separate', 'combined', 'negotiate'), default='separate')
    p.add_argument('--plain-http', action='store_true', help='no TLS (behind a TLS-terminating proxy); --cert still names the certificate EP binds to')
    p.add_argument('--negotiate-reply', choices=('spnego', 'raw'), default='spnego')
    p.add_argument('--success-status', type=int, choices=(200, 400), default=400)
    p.add_argument('--no-target-info', action='store_true')
    p.add_argument('--minimal-flags', action='store_true', help='challenge without extended session security, KEY_EXCH, SIGN, 128/56, VERSION')
    p.add_argument('--chunked', action='store_true')
    p.add_argument('--http10', action='store_true')
    p.add_argument('--close-after-challenge', action='store_true')
    p.add_argument('--stall-authenticate', type=float, default=0, help='seconds to wait before answering the AUTHENTICATE leg')
    p.add_argument('--persist-auth', action='store_true', help='like IIS: a connection stays logged on after NTLM succeeded')
    p.add_argument('--no-spnego', action='store_true', help='Negotiate takes raw NTLM only; SPNEGO gets 401')
    p.add_argument('--lowercase', action='store_true', help='lower-case header name and scheme names')
    o = p.parse_args()
    password = os.environ.get(o.password_env)
    if not password:
        sys.stderr.write('independent_ntlm_server: set the password in $%s\n' % o.password_env)
        sys.exit(2)
    domain, _, user = o.account.rpartition('\\')
    Handler.protocol_version = 'HTTP/1.0' if o.http10 else 'HTTP/1.1'
    httpd = Server(('127.0.0.1', o.port), Handler)
    httpd.opts = o
    httpd.account = {'domain': domain, 'user': user, 'password': password}
    with open(o.cert, 'rb') as f:
        httpd.cbt = channel_bindings_hash(f.read())
    if not o.plain_http:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(o.cert, o.key)
        ctx.set_alpn_protocols(['http/1.1'])
        httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    sys.stdout.write('READY %d %s\n' % (httpd.server_address[1], httpd.cbt.hex()))
    sys.stdout.flush()
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == '__main__':
    main()
