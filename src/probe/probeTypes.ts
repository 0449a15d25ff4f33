// The probe's public shapes: the contract's `probe` JSON plus the step-by-step report.
// Field names of ProbeResult follow docs/cli.md (fixed); more fields may be added.

export type ProbeVerdict = 'ok' | 'require' | 'accept-mismatch' | 'rejected' | 'no-ntlm' | 'unreachable' | 'inconclusive';

export type CbtVariant = 'absent' | 'zero' | 'correct';

export interface ProbeOptions {
  url: string;
  /** DOMAIN\user (user@domain and a bare user are accepted too). */
  user: string;
  password: string;
  /** PEM (one or more certificates) to verify the server against instead of the system store. */
  ca?: Buffer | string;
  /** Do not verify the certificate (the result says so). */
  insecure?: boolean;
  /** Timeout of each step / each request in ms (default 10000). */
  timeoutMs?: number;
  /** The user confirmed this (untrusted) certificate by its SHA-256 fingerprint (hex, colons optional). */
  trustedFingerprintSha256?: string;
  /** Workstation name sent in the NTLM messages (default MRSPROBE). */
  workstation?: string;
  /** Deadline of the whole probe in ms (default 6 x timeoutMs, at least 30 s); past it the verdict is inconclusive. */
  deadlineMs?: number;
}

export type ProbeStepName =
  'url' | 'dns' | 'tcp' | 'tls' | 'anonymous' | 'ntlm-absent' | 'ntlm-zero' | 'ntlm-correct' | 'negotiate-absent' | 'negotiate-zero' | 'negotiate-correct';

export interface ProbeStepReport {
  name: ProbeStepName;
  ok: boolean;
  ms: number;
  /** One readable line of what was seen. */
  detail: string;
  /** The error and its chain of causes, one readable line each. */
  error?: string[];
}

export interface ProbeCertificate {
  subject: string;
  issuer: string;
  sans: string[];
  validFrom: string;
  validTo: string;
  signatureHash: string;
  fingerprintSha256: string;
  serialNumber: string;
}

export interface ProbeTls {
  subject: string;
  issuer: string;
  sans: string[];
  signatureHash: string;
  fingerprintSha256: string;
  /** MD5 of the gss_channel_bindings_struct for tls-server-end-point of the certificate we saw (hex). */
  channelBindings: string;
  /** The tls-server-end-point hash itself (hex). */
  serverEndPoint: string;
  validFrom: string;
  validTo: string;
  protocol: string | null;
  cipher: string | null;
  /** Did the chain verify (against `ca` or the system store)? */
  verified: boolean;
  /** Why it did not verify, when it did not: OpenSSL's code (e.g. DEPTH_ZERO_SELF_SIGNED_CERT). */
  verifyError: string | null;
  /** The same in plain words, for the person deciding whether to trust the certificate. */
  verifyProblem?: string | null;
  /** How the certificate was accepted: verified, insecure, or confirmed by fingerprint. */
  trust: 'verified' | 'insecure' | 'fingerprint';
  /** Leaf first. */
  chain: ProbeCertificate[];
}

export interface ProbeAnonymous {
  status: number;
  wwwAuthenticate: string[];
}

export interface ProbeAttempt {
  cbt: CbtVariant;
  scheme: 'NTLM' | 'Negotiate';
  /** Status after the third leg; null when the handshake broke off (see error). */
  status: number | null;
  ms: number;
  /** Did the server accept (status other than 401 after the third leg)? */
  ok: boolean;
  /** Leg-by-leg statuses, e.g. [401, 400]. */
  legs: number[];
  /** Did type 1 and type 3 travel on the same client connection? */
  sameConnection: boolean;
  /** For Negotiate: SPNEGO-wrapped NTLM, or raw NTLM when the server did not answer SPNEGO. */
  negotiateToken?: 'spnego' | 'raw-ntlm';
  error?: string;
}

export interface ProbeResult {
  url: string;
  tls: ProbeTls | null;
  anonymous: ProbeAnonymous | null;
  attempts: ProbeAttempt[];
  verdict: ProbeVerdict;
  explanation: string;
  remediation: string[];
  steps: ProbeStepReport[];
  /** Total wall time of the probe in ms. */
  ms: number;
  /**
   * This run's id, sent in every request's User-Agent (`IIS-Auth-Lens-Probe/1.0 (run ID)`), so the
   * server's IIS log lines of exactly this probe can be found (`findstr ID u_ex*.log`).
   */
  probeId?: string;
}

export interface ProbeHooks {
  /** A step finished (ok or not). */
  onStep?(step: ProbeStepReport): void;
  /** A step begins (DNS, TCP, TLS, anonymous, each handshake variant). */
  onStepStart?(name: ProbeStepName): void;
  signal?: AbortSignal;
  /** Resolves a host name to addresses (default: the system resolver, as dns.lookup). */
  lookup?(host: string): Promise<string[]>;
}

export interface CheckTlsOptions {
  ca?: Buffer | string;
  insecure?: boolean;
  timeoutMs?: number;
}

export interface CheckTlsResult {
  url: string;
  host: string;
  port: number;
  /** Null when DNS, TCP or TLS failed. */
  tls: ProbeTls | null;
  steps: ProbeStepReport[];
  ok: boolean;
}
