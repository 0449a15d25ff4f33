// Loads one of our TextMate grammars with vscode-textmate + oniguruma, as VS Code does, for the
// grammar tests.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

const ROOT = join(__dirname, '..', '..');

let onig: Promise<void> | undefined;
const grammars = new Map<string, Promise<vsctm.IGrammar>>();

/** The grammar of scopeName from syntaxes/<file> (loaded once per test process). */
export function loadGrammar(scopeName: string, file: string): Promise<vsctm.IGrammar> {
  let g = grammars.get(scopeName);
  if (!g) {
    g = (async () => {
      onig ??= (async () => {
        const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
        await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
      })();
      await onig;
      const registry = new vsctm.Registry({
        onigLib: Promise.resolve({
          createOnigScanner: (p: string[]) => new oniguruma.OnigScanner(p),
          createOnigString: (s: string) => new oniguruma.OnigString(s),
        }),
        loadGrammar: async (scope) => (scope === scopeName ? vsctm.parseRawGrammar(readFileSync(join(ROOT, 'syntaxes', file), 'utf8'), file) : null),
      });
      const loaded = await registry.loadGrammar(scopeName);
      assert.ok(loaded, `grammar ${scopeName} from syntaxes/${file}`);
      return loaded;
    })();
    grammars.set(scopeName, g);
  }
  return g;
}
