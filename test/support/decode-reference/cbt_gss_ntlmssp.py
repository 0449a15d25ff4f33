"""AUTHENTICATE messages from gss-ntlmssp bound to each certificate's tls-server-end-point (RFC 5929); the
gss-ntlmssp acceptor checks the bindings itself. usage: NTLM_USER_FILE=... cbt_gss_ntlmssp.py CERT.pem... (prints: pem hash token)"""
import base64, hashlib, sys, gssapi
from cryptography import x509
NTLM = gssapi.OID.from_int_seq('1.3.6.1.4.1.311.2.2.10')
for pem in sys.argv[1:]:
    cert = x509.load_pem_x509_certificate(open(pem, 'rb').read())
    der = cert.public_bytes(__import__('cryptography.hazmat.primitives.serialization', fromlist=['Encoding']).Encoding.DER)
    h = cert.signature_hash_algorithm.name
    h = 'sha256' if h in ('md5', 'sha1') else h
    app = b'tls-server-end-point:' + hashlib.new(h, der).digest()
    cb = gssapi.raw.ChannelBindings(application_data=app)
    ucred = gssapi.Credentials(name=gssapi.Name('CONTOSO\\mrsadmin', gssapi.NameType.user), usage='initiate', mechs=[NTLM])
    c = gssapi.SecurityContext(name=gssapi.Name('HTTP@mail.contoso.test', gssapi.NameType.hostbased_service), mech=NTLM, usage='initiate', creds=ucred, channel_bindings=cb)
    s = gssapi.SecurityContext(usage='accept', creds=gssapi.Credentials(usage='accept', mechs=[NTLM]), channel_bindings=cb)
    t3 = c.step(s.step(c.step()))
    s.step(t3)  # the gss-ntlmssp acceptor verifies the bindings: raises if they differ
    print(pem, h, base64.b64encode(t3).decode())
