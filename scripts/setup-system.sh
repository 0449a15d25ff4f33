#!/usr/bin/env bash
# System packages the tests and `npm start` need (Debian): Chromium for the e2e tests, ripgrep and
# native-build headers for code-server, haproxy, nginx-light and python3-ntlm-auth (+ python3-cryptography) for the probe tests, openssl
# for test certificates. Idempotent: does nothing when everything is present.
set -euo pipefail
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v rg >/dev/null || need+=(ripgrep)
command -v haproxy >/dev/null && [ -x /usr/sbin/haproxy ] || need+=(haproxy)
command -v openssl >/dev/null || need+=(openssl)
/usr/bin/python3 -c 'import ntlm_auth' 2>/dev/null || need+=(python3-ntlm-auth)
/usr/bin/python3 -c 'import cryptography' 2>/dev/null || need+=(python3-cryptography)
[ -x /usr/sbin/nginx ] || need+=(nginx-light)
# code-server's native modules (node-pty, kerberos, spdlog, argon2) are compiled with node-gyp.
command -v g++ >/dev/null && command -v make >/dev/null || need+=(build-essential)
command -v python3 >/dev/null || need+=(python3)
command -v pkg-config >/dev/null || need+=(pkg-config)
for h in /usr/include/krb5.h /usr/include/X11/extensions/XKBfile.h /usr/include/libsecret-1/libsecret/secret.h /usr/include/X11/Xlib.h; do
  [ -e "$h" ] || { need+=(libkrb5-dev libxkbfile-dev libsecret-1-dev libx11-dev); break; }
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then echo "setup-system: please install: ${need[*]}" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${need[@]}"
fi
