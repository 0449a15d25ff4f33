#!/usr/bin/env bash
# Cross-check `iis-auth-lens decode --json` against Debian's python3-impacket on tokens made by
# independent implementations, and (with --fixture) rewrite test/fixtures/tokens/impacket-reference.json.
# Needs (Debian, as root): apt-get install -y python3-impacket python3-ntlm-auth python3-gssapi \
#   gss-ntlmssp krb5-kdc krb5-admin-server krb5-user ; and `node esbuild.mjs` first (dist/cli.js).
# Everything runs on 127.0.0.1; the KDC it starts is stopped at the end.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
WORK=${WORK:-/tmp/decode-ref}
PY=/usr/bin/python3
mkdir -p "$WORK"
K=$WORK/krb
rm -rf "$K"; mkdir -p "$K"

# A throw-away MIT KDC for realm CONTOSO.TEST on 127.0.0.1:18888, one HTTP service per ticket enctype.
cat > "$K/krb5.conf" <<CONF
[libdefaults]
  default_realm = CONTOSO.TEST
  dns_lookup_kdc = false
  dns_lookup_realm = false
  rdns = false
  allow_weak_crypto = true
[realms]
  CONTOSO.TEST = {
    kdc = 127.0.0.1:18888
  }
CONF
cat > "$K/kdc.conf" <<CONF
[kdcdefaults]
  kdc_ports = 18888
  kdc_tcp_ports = 18888
[realms]
  CONTOSO.TEST = {
    database_name = $K/principal
    key_stash_file = $K/stash
    acl_file = $K/kadm5.acl
    supported_enctypes = aes256-cts:normal aes128-cts:normal aes256-sha2:normal aes128-sha2:normal camellia256-cts:normal arcfour-hmac:normal
  }
[logging]
  kdc = FILE:$K/kdc.log
CONF
export KRB5_CONFIG=$K/krb5.conf KRB5_KDC_PROFILE=$K/kdc.conf
kdb5_util create -s -r CONTOSO.TEST -P "kdc-master-$$" >/dev/null
kadmin.local -q "addprinc -pw Passw0rd! mrsadmin" >/dev/null 2>&1
for e in aes256-cts aes128-cts aes256-sha2 camellia256-cts arcfour-hmac; do
  h=${e//-/}
  kadmin.local -q "addprinc -randkey -e $e:normal HTTP/$h.contoso.test" >/dev/null 2>&1
  kadmin.local -q "ktadd -k $K/http.keytab -e $e:normal HTTP/$h.contoso.test" >/dev/null 2>&1
done
kadmin.local -q "addprinc -randkey HTTP/mail.contoso.test" >/dev/null 2>&1
kadmin.local -q "ktadd -k $K/http.keytab HTTP/mail.contoso.test" >/dev/null 2>&1
krb5kdc -n -r CONTOSO.TEST -P "$K/kdc.pid" >"$K/kdc.out" 2>&1 </dev/null &
KDC=$!
trap 'kill $KDC 2>/dev/null || true' EXIT
sleep 1
echo 'Passw0rd!' | KRB5CCNAME=$K/cc kinit mrsadmin >/dev/null
printf 'CONTOSO:mrsadmin:Passw0rd!\n' > "$K/ntlm_users"

cd "$WORK"
$PY "$HERE/gen_ntlm.py" > gen.jsonl
$PY "$HERE/gen_impacket.py" > imp.jsonl 2>/dev/null
KRB_DIR=$K KRB5CCNAME=$K/cc KRB5_KTNAME=$K/http.keytab NTLM_USER_FILE=$K/ntlm_users $PY "$HERE/gen_gss.py" > gss.jsonl
ONLY_NTLM=n KRB_DIR=$K KRB5CCNAME=$K/nocc KRB5_KTNAME=$K/nokt NTLM_USER_FILE=$K/ntlm_users $PY "$HERE/gen_gss.py" > gss2.jsonl
$PY "$HERE/gen_spnego.py" "$WORK" > spn.jsonl
cat gen.jsonl imp.jsonl | $PY "$HERE/relayout.py" > re.jsonl
for f in gen imp gss gss2 spn re; do
  $PY "$HERE/ref.py" < $f.jsonl > $f.ref.jsonl
  node "$HERE/compare.mjs" $f.jsonl $f.ref.jsonl > $f.report.txt
  echo "$f: $(head -1 $f.report.txt); $(sed -n 3p $f.report.txt)"
done
if [ "${1:-}" = "--fixture" ]; then
  $PY "$HERE/build_fixture.py" "$WORK" "$REPO/test/fixtures/tokens/impacket-reference.json"
fi
