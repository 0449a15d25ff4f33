// Timestamps as admins' texts carry them, turned into ISO-like local time ("2024-11-05T14:23:18.825").
// No time zone is added: HCW and PowerShell write local time, IIS writes UTC - the caller knows which.

/** HCW (2024.11.05 14:23:18.825), ISO / W3C (2024-11-05T14:23:18Z, 2024-11-05 14:23:18),
 *  German (05.11.2024 14:23:18), US (11/5/2024 2:23:18 PM). Bounded quantifiers only. */
export const TIMESTAMP_SOURCE =
  '(?<![\\w.:/-])(?:' +
  '(\\d{4})[.-](\\d{2})[.-](\\d{2})[T ](\\d{2}):(\\d{2}):(\\d{2})(?:[.,](\\d{1,7}))?(Z|[+-]\\d{2}:?\\d{2})?' +
  '|(\\d{1,2})\\.(\\d{1,2})\\.(\\d{4}),? (\\d{1,2}):(\\d{2}):(\\d{2})(?:[.,](\\d{1,7}))?' +
  '|(\\d{1,2})/(\\d{1,2})/(\\d{4}),? (\\d{1,2}):(\\d{2}):(\\d{2}) ?([AP]M)?' +
  ')(?![\\d])';

export interface FoundTimestamp {
  /** Offset in the text. */
  index: number;
  length: number;
  iso: string;
}

const pad = (s: string | number, n = 2): string => String(s).padStart(n, '0');

function valid(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  return y >= 1990 && y <= 2100 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && s <= 60;
}

/** The ISO form of one regex match of TIMESTAMP_SOURCE, or undefined when it is no real date. */
export function isoOf(m: RegExpExecArray): string | undefined {
  let y: number, mo: number, d: number, h: number, mi: number, s: number;
  let frac: string | undefined;
  let zone = '';
  if (m[1]) {
    [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
    frac = m[7];
    zone = m[8] ?? '';
  } else if (m[9]) {
    [d, mo, y, h, mi, s] = [m[9], m[10], m[11], m[12], m[13], m[14]].map(Number) as [number, number, number, number, number, number];
    frac = m[15];
  } else if (m[16]) {
    [mo, d, y, h, mi, s] = [m[16], m[17], m[18], m[19], m[20], m[21]].map(Number) as [number, number, number, number, number, number];
    const ampm = m[22];
    if (ampm) {
      if (h < 1 || h > 12) return undefined;
      h = (h % 12) + (ampm.toUpperCase() === 'PM' ? 12 : 0);
    }
  } else {
    return undefined;
  }
  if (!valid(y, mo, d, h, mi, s)) return undefined;
  return `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}${frac ? '.' + frac : ''}${zone}`;
}

/** Every timestamp in the text, in order. Linear: one sticky-free global scan. */
export function findTimestamps(text: string): FoundTimestamp[] {
  const re = new RegExp(TIMESTAMP_SOURCE, 'g');
  const out: FoundTimestamp[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const iso = isoOf(m);
    if (iso) out.push({ index: m.index, length: m[0].length, iso });
  }
  return out;
}
