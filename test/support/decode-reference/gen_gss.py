"""Real GSS-API tokens from MIT krb5 (KDC on 127.0.0.1) and gss-ntlmssp, through python3-gssapi:
KRB5 AP-REQ/AP-REP, SPNEGO NegTokenInit/NegTokenResp around Kerberos and NTLM. JSONL on stdout."""
import base64, json, os, sys, tempfile
import gssapi

K = os.environ.get('KRB_DIR', os.path.join(tempfile.gettempdir(), 'decode-ref', 'krb'))
out = []
PFX = os.environ.get('ONLY_NTLM', '')
def emit(i, src, tok):
    out.append({'id': i, 'source': src, 'token': base64.b64encode(tok).decode()})

KRB5 = gssapi.OID.from_int_seq('1.2.840.113554.1.2.2')
SPNEGO = gssapi.OID.from_int_seq('1.3.6.1.5.5.2')
NTLM = gssapi.OID.from_int_seq('1.3.6.1.4.1.311.2.2.10')

hosts = [] if os.environ.get("ONLY_NTLM") else ['mail', 'aes256cts', 'aes128cts', 'aes256sha2', 'camellia256cts', 'arcfourhmac']
n = 0
for mech, mname in ((KRB5, 'krb5'), (SPNEGO, 'spnego')):
    for h in hosts:
        for mutual in (True, False):
            n += 1
            name = gssapi.Name(f'HTTP@{h}.contoso.test', gssapi.NameType.hostbased_service)
            flags = [gssapi.RequirementFlag.mutual_authentication] if mutual else []
            try:
                cctx = gssapi.SecurityContext(name=name, mech=mech, usage='initiate', flags=flags)
                t1 = cctx.step()
                emit(f'gss{n:03d}-init', f'MIT {mname} initiator HTTP/{h}.contoso.test mutual={mutual}', t1)
                sctx = gssapi.SecurityContext(usage='accept', creds=gssapi.Credentials(usage='accept'))
                t2 = sctx.step(t1)
                if t2:
                    emit(f'gss{n:03d}-resp', f'MIT {mname} acceptor answer HTTP/{h}.contoso.test mutual={mutual}', t2)
            except gssapi.exceptions.GSSError as e:
                print(f'skip {mname} {h}: {e}', file=sys.stderr)

# NTLM through gss-ntlmssp, bare and inside SPNEGO.
for mech, mname in ((NTLM, 'ntlmssp'), (SPNEGO, 'spnego+ntlmssp')):
    for cb in (None, b'tls-server-end-point:' + bytes(range(32))):
        n += 1
        try:
            ucred = gssapi.Credentials(name=gssapi.Name('CONTOSO\\mrsadmin', gssapi.NameType.user), usage='initiate', mechs=[NTLM])
            name = gssapi.Name('HTTP@mail.contoso.test', gssapi.NameType.hostbased_service)
            bindings = gssapi.raw.ChannelBindings(application_data=cb) if cb else None
            cctx = gssapi.SecurityContext(name=name, mech=mech, usage='initiate', creds=ucred, channel_bindings=bindings)
            sctx = gssapi.SecurityContext(usage='accept', creds=gssapi.Credentials(usage='accept', mechs=[NTLM] if mech == NTLM else None), channel_bindings=bindings)
            tok = cctx.step()
            k = 0
            while tok is not None:
                k += 1
                emit(f'{PFX}gss{n:03d}-c{k}', f'gss-ntlmssp {mname} client step {k} cbt={bool(cb)}', tok)
                tok = sctx.step(tok)
                if tok is None:
                    break
                emit(f'{PFX}gss{n:03d}-s{k}', f'gss-ntlmssp {mname} server step {k} cbt={bool(cb)}', tok)
                if cctx.complete:
                    break
                tok = cctx.step(tok)
        except gssapi.exceptions.GSSError as e:
            print(f'skip {mname}: {e}', file=sys.stderr)
for o in out:
    print(json.dumps(o))
