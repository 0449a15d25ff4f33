// The subcommands of the CLI contract (docs/cli.md). Each module parses its own
// arguments and returns an exit code. This registry holds only what the main usage lists (name,
// summary); a subcommand's module graph (parsers, asn1js, fast-xml-parser, the probe's TLS/HTTP,
// tables) is loaded by `load()` when that subcommand runs, so `--version`, `--help` and `analyze`
// do not evaluate the others' (esbuild turns each `import()` into a lazy init in the one bundle).
import type { CliIo } from './io';

export interface Subcommand {
  name: string;
  usage: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

export interface SubcommandEntry {
  name: string;
  summary: string;
  load(): Promise<Subcommand>;
}

export const subcommands: readonly SubcommandEntry[] = [
  {
    name: 'analyze',
    summary: 'Analyze IIS W3C logs, HTTPERR logs and FREB traces (files, folders, .gz) for Windows-auth failures',
    load: async () => (await import('./analyzeCommand.js')).analyzeCommand,
  },
  {
    name: 'decode',
    summary: 'Decode an Authorization / WWW-Authenticate header or a bare NTLM, SPNEGO, Kerberos, Basic or JWT token',
    load: async () => (await import('./decodeCommand.js')).decodeCommand,
  },
  {
    name: 'cbt',
    summary: 'Compute the channel bindings (RFC 5929 tls-server-end-point) of a certificate or a TLS host',
    load: async () => (await import('./cbtCommand.js')).cbtCommand,
  },
  {
    name: 'probe',
    summary: 'Probe an MRS endpoint for Extended Protection and TLS-termination problems',
    load: async () => (await import('./probeCommand.js')).probeCommand,
  },
  {
    name: 'explain',
    summary: 'Explain MRS, HCW and migration error texts and SSPI codes',
    load: async () => (await import('./explainCommand.js')).explainCommand,
  },
  {
    name: 'epconfig',
    summary: 'Extended Protection per virtual directory from applicationHost.config / web.config, judged against Exchange',
    load: async () => (await import('./epconfigCommand.js')).epconfigCommand,
  },
];
