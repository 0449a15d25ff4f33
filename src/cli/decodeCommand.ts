import type { Subcommand } from './commands';
import { EXIT_USAGE, type CliIo } from './io';

export const decodeCommand: Subcommand = {
  name: 'decode',
  summary: 'Decode an Authorization / WWW-Authenticate header or a bare NTLM, SPNEGO, Kerberos, Basic or JWT token',
  usage: 'iis-auth-lens decode [--json] [--cert FILE] TEXT|-',
  async run(_argv: string[], io: CliIo): Promise<number> {
    io.stderr.write('iis-auth-lens decode: not implemented yet\n');
    return EXIT_USAGE;
  },
};
