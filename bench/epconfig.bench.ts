// epconfig speed, measured in this run on the same inputs:
//   baseline  fast-xml-parser parsing the whole config (preserveOrder, attributes) - what a reader
//             that builds the full tree before looking for <location> costs
//   ours      analyzeEpConfig(): the structural scan of every tag (DOCTYPE/entity/depth/truncation
//             checks), fast-xml-parser on the sections we read, IIS inheritance per location,
//             the judgement and the findings
// Inputs: CSS-Exchange's real Exchange 2019 applicationHost.config (172 KB), the same padded to
// 200 KB and to 2 MB with more <location> elements. Target: well under 50 ms for 200 KB, linear.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { analyzeEpConfig } from '../src/core/iisConfig/epConfig';

const real = readFileSync(join(__dirname, '..', 'test', 'fixtures', 'epconfig', 'E19_Configured_ApplicationHost.config'), 'utf8');

function padded(bytes: number): string {
  const from = real.indexOf('<location path="Default Web Site/EWS"');
  const sample = real.slice(from, real.indexOf('</location>', from) + 11);
  const parts: string[] = [];
  let len = real.length;
  for (let k = 0; len < bytes; k++) {
    const s = sample.replace('Default Web Site/EWS', `Default Web Site/app${k}`) + '\r\n';
    parts.push(s);
    len += s.length;
  }
  return real.replace('</configuration>', parts.join('') + '</configuration>');
}

const whole = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  htmlEntities: false,
});

function median(f: () => unknown, runs: number): number {
  for (let i = 0; i < 3; i++) f();
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    xs.push(performance.now() - t0);
  }
  xs.sort((a, b) => a - b);
  return xs[runs >> 1]!;
}

for (const [name, text, runs] of [
  ['real E19 config', real, 31],
  ['padded to 200 KB', padded(200 * 1024), 31],
  ['padded to 2 MB', padded(2 * 1024 * 1024), 9],
] as const) {
  const kb = text.length / 1024;
  // Interleaved, so both see the same machine load.
  let b = 0;
  let o = 0;
  for (let round = 0; round < 3; round++) {
    b += median(() => whole.parse(text), runs);
    o += median(() => analyzeEpConfig(text), runs);
  }
  b /= 3;
  o /= 3;
  const locs = analyzeEpConfig(text).locations.length;
  console.log(
    `${name.padEnd(18)} ${kb.toFixed(0).padStart(5)} KB  baseline (fast-xml-parser, whole file) ${b.toFixed(2).padStart(7)} ms  ours ${o.toFixed(2).padStart(7)} ms (${locs} locations, ${(kb / 1024 / (o / 1000)).toFixed(1)} MB/s)  ours/baseline ${(o / b).toFixed(2)}`,
  );
}
