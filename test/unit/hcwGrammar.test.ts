import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vsctm from 'vscode-textmate';
import { loadGrammar } from './textmateGrammar';
import { cpuTimed } from '../support/growth';

const ROOT = join(__dirname, '..', '..');

function grammar(): Promise<vsctm.IGrammar> {
  return loadGrammar('text.log.hcw', 'hcw-log.tmLanguage.json');
}

function tokens(g: vsctm.IGrammar, line: string): Array<[string, string]> {
  const r = g.tokenizeLine(line, vsctm.INITIAL);
  return r.tokens.map((t) => [line.slice(t.startIndex, t.endIndex), t.scopes.slice(1).join(' ')]);
}

void test('HCW grammar: entry header, bracket fields, cmdlet, START/FINISH, durations, errors, SSPI codes', async () => {
  const g = await grammar();
  const log = readFileSync(join(ROOT, 'test', 'fixtures', 'hcw', 'HybridConfiguration_11_5_2024_14_23_10.log'), 'utf8').split('\r\n');
  const start = new Map(tokens(g, log[3]!));
  assert.equal(start.get('2024.11.05'), 'constant.numeric.date.hcw');
  assert.equal(start.get('14:23:13.397'), 'constant.numeric.time.hcw');
  assert.equal(start.get('10276'), 'constant.numeric.integer.sequence.hcw');
  assert.equal(start.get('Client'), 'variable.other.key.hcw');
  assert.equal(start.get('Test-MigrationServerAvailability'), 'entity.name.function.cmdlet.hcw');
  assert.equal(start.get('START'), 'keyword.control.flow.hcw');
  assert.equal(start.get('-RemoteServer'), 'variable.parameter.hcw');
  assert.equal(start.get('$true'), 'constant.language.hcw');
  const finish = tokens(g, log[4]!);
  const scope = (text: string): string | undefined => finish.find(([t]) => t === text)?.[1];
  assert.equal(scope('FINISH'), 'keyword.control.flow.hcw');
  assert.equal(scope('5428,0ms'), 'constant.numeric.duration.hcw');
  assert.equal(scope('ErrorDetail'), 'invalid.illegal.error-detail.hcw');
  assert.equal(scope('Microsoft.Exchange.Net.CommunicationErrorTransientException'), 'invalid.illegal.exception.hcw');
  assert.ok(
    finish.some(([t, s]) => t.startsWith('net.tcp://') && s === 'string.quoted.single.hcw markup.underline.link.hcw'),
    JSON.stringify(finish.filter(([t]) => t.includes('net.tcp'))),
  );
  const codes = new Map(tokens(g, 'Error 0x80090346 = 2148074310 = SEC_E_BAD_BINDINGS'));
  assert.equal(codes.get('0x80090346'), 'invalid.illegal.sspi.hcw');
  assert.equal(codes.get('2148074310'), 'invalid.illegal.sspi.hcw');
  assert.equal(codes.get('SEC_E_BAD_BINDINGS'), 'invalid.illegal.sspi.hcw');
  // a 1 MB line tokenizes without hanging
  const { ms } = cpuTimed(() => g.tokenizeLine('x'.repeat(1_000_000), vsctm.INITIAL));
  assert.ok(ms < 5000, `took ${ms.toFixed(0)} ms of CPU`);
});
