// Certificate thumbprints as the probe, its reports and the trust store compare and show them.

/** Lower-case hex without separators (the form compared and stored). */
export function normalizeFingerprint(fp: string): string {
  return fp.replace(/[^0-9a-f]/gi, '').toLowerCase();
}

/** SHA-256 thumbprint as certificate dialogs show it: upper-case pairs with colons. */
export function formatFingerprint(fp: string): string {
  return (
    normalizeFingerprint(fp)
      .toUpperCase()
      .match(/.{1,2}/g) ?? []
  ).join(':');
}
