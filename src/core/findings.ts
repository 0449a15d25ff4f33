// Findings: what the analyzers report, with the codes of the CLI contract.

export type FindingCode =
  | 'BAD_BINDINGS'
  | 'INVALID_TOKEN'
  | 'LOGON_DENIED'
  | 'HANDSHAKE_INCOMPLETE'
  | 'MALFORMED_LINE'
  | 'NO_CREDENTIALS'
  | 'AUTH_FAILED';

export type Severity = 'error' | 'warning' | 'info';

/** One finding, as the CLI prints it (`analyze --json`) and the server turns into a diagnostic. */
export interface Finding {
  /** 1-based line in the file as stored (FREB: the line of the event that carries the failure). */
  line: number;
  code: FindingCode;
  severity: Severity;
  message: string;
  time?: string | null;
  clientIp?: string | null;
  user?: string | null;
  uri?: string | null;
  /** "401.1" */
  status?: string | null;
  win32?: number | null;
  /** Other lines that belong to the finding (e.g. the legs of a failed handshake), 1-based. */
  relatedLines?: number[];
}
