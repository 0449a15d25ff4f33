// cbt, decode --cert and explain on special files (devices, FIFOs made with mkfifo, hence a child
// process): refused before they are opened, or for explain a FIFO read as a stream; nothing hangs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { cliIo as io } from '../support/cliInProcess';

void test(
  'cbt and decode --cert refuse devices and FIFOs before opening them, explain refuses devices (no endless read, no hang)',
  { timeout: 60_000, skip: !existsSync('/dev/zero') && 'no /dev/zero' },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hostile-'));
    try {
      const fifo = join(dir, 'fifo');
      execFileSync('mkfifo', [fifo]);
      const big = join(dir, 'big.pem');
      writeFileSync(big, Buffer.alloc(2 << 20, 0x41));
      const token = 'NTLM TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAKAF1YAAAADw==';
      for (const special of ['/dev/zero', fifo]) {
        for (const args of [['cbt', special], ['decode', '--cert', special, token], ...(special === fifo ? [] : [['explain', special]])]) {
          const t = io();
          assert.equal(await main(args, t.io), 1, args.join(' '));
          assert.match(t.err(), /not a regular file \(a device, pipe or socket\)/, args.join(' '));
        }
      }
      for (const args of [
        ['cbt', big],
        ['decode', '--cert', big, token],
      ]) {
        const t = io();
        assert.equal(await main(args, t.io), 1, args.join(' '));
        assert.match(t.err(), /2 MiB is more than 1 MiB: too large for a certificate/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

void test(
  'explain reads a FIFO with a writer as a stream (explain <(...))',
  { timeout: 60_000, skip: process.platform === 'win32' && 'no mkfifo' },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hostile-'));
    try {
      const fifo = join(dir, 'fifo');
      execFileSync('mkfifo', [fifo]);
      // The writer's open() waits for the reader in a libuv thread; explain opens without blocking.
      const w = createWriteStream(fifo);
      w.end('The remote server returned an error: (401) Unauthorized.\n0x80090346\n');
      const t = io();
      assert.equal(await main(['explain', '--json', fifo], t.io), 0, t.err());
      const doc = JSON.parse(t.out()) as { matches: Array<{ code: string }> };
      assert.deepEqual(
        doc.matches.map((m) => m.code),
        ['MRS_401', 'SEC_E_BAD_BINDINGS'],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
