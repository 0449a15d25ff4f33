// What each recognised error text means, why it happens and what to do next. The chain behind
// all of them: Exchange Online's Mailbox Replication Service (MRS) authenticates to the on-premises
// /EWS/mrsproxy.svc with NTLM, either through a published endpoint (reverse proxy / load balancer)
// or through the Hybrid Agent (Azure App Proxy, *.msappproxy.net). Extended Protection binds the
// NTLM logon to the TLS certificate the client saw; when TLS is terminated in between with another
// certificate, IIS rejects the logon with SEC_E_BAD_BINDINGS - and the error texts the admin sees
// first talk about credentials and a port 9821 instead.
import { CMD_DISABLE_EP, CMD_SHOW_EP } from '../iisConfig/epCommands';

export type ExplainCode =
  | 'MRS_UNAUTHORIZED_NEGOTIATE'
  | 'WCF_HTTP_UNAUTHORIZED'
  | 'MRS_PORT_9821'
  | 'MRS_401'
  | 'MRS_CREDENTIALS_REJECTED'
  | 'SEC_E_BAD_BINDINGS'
  | 'SEC_E_INVALID_TOKEN'
  | 'SEC_E_LOGON_DENIED'
  | 'SEC_E_NO_CREDENTIALS'
  | 'HYBRID_AGENT_ENDPOINT'
  | 'TEST_MIGRATION_SERVER_AVAILABILITY';

/** Next steps, as words a UI maps to actions. */
export type NextStep =
  | 'probe' // iis-auth-lens probe / "Probe this endpoint"
  | 'find-iis-lines' // the IIS log lines of /EWS/mrsproxy.svc around the text's time
  | 'show-extended-protection' // ExchangeExtendedProtectionManagement.ps1 -ShowExtendedProtection
  | 'check-epconfig' // iis-auth-lens epconfig / the editor on the servers' applicationHost.config
  | 'compare-certificates' // the certificate the proxy presents vs. the one on Exchange
  | 'check-credentials'; // the migration endpoint's account and password

export interface Remediation {
  /** What the step does. */
  label: string;
  /** A command to copy (PowerShell or our CLI), or undefined for a manual step. */
  command?: string;
}

export interface CatalogEntry {
  title: string;
  explanation: string;
  next: NextStep[];
  remediation: Remediation[];
  severity: 'warning' | 'information';
}

export const SHOW_EP: Remediation = {
  label: 'Show the Extended Protection setting of every virtual directory (CSS-Exchange script, on the Exchange server)',
  command: CMD_SHOW_EP,
};
export const DISABLE_EP: Remediation = {
  label: "Turn Extended Protection off (the articles' quick fix; required with the Hybrid Agent)",
  command: CMD_DISABLE_EP,
};
export const SAME_CERT: Remediation = {
  label:
    'Or keep Extended Protection and bind the same certificate on Exchange (IIS, Default Web Site :443) that the reverse proxy presents to Exchange Online',
  command: "Enable-ExchangeCertificate -Thumbprint <thumbprint of the proxy's certificate> -Services IIS",
};
export const PASS_THROUGH: Remediation = {
  label: 'Or let the load balancer / reverse proxy pass TLS through to Exchange (layer 4, no TLS termination) for /EWS/mrsproxy.svc',
};
export const COMPARE_CERTS: Remediation = {
  label: 'Compare the certificate Exchange Online sees with the one on the Exchange server (channel bindings differ when they differ)',
  command: 'iis-auth-lens cbt <public host>:443   # and again against the Exchange server itself',
};
export const IIS_LINES: Remediation = {
  label: 'Find the requests in the IIS log of the Exchange server (401 1 2148074310 = Extended Protection, 401 1 2148074252 = wrong password)',
  command: 'Select-String -Path "$env:SystemDrive\\inetpub\\logs\\LogFiles\\W3SVC1\\u_ex*.log" -Pattern "mrsproxy.svc" | Select-Object -Last 50',
};

const CHAIN =
  "Exchange Online's Mailbox Replication Service (MRS) logs on to the on-premises /EWS/mrsproxy.svc with NTLM, " +
  'through the published endpoint (reverse proxy / load balancer) or through the Hybrid Agent. ' +
  'With Extended Protection on that virtual directory (Accept or Require; the default since Exchange 2019 CU14), ' +
  'IIS checks the channel bindings in the NTLM logon against its own TLS certificate. ' +
  'When TLS is terminated in between with another certificate - a reverse proxy, a layer-7 load balancer, ' +
  'and always with the Hybrid Agent - the bindings cannot match and IIS answers 401 (401 1 2148074310 SEC_E_BAD_BINDINGS in its log), ' +
  'even with the right password.';

export const CATALOG: Record<ExplainCode, CatalogEntry> = {
  MRS_UNAUTHORIZED_NEGOTIATE: {
    title: 'MRS could not authenticate to the on-premises endpoint',
    explanation:
      'The server offered Negotiate/NTLM, the client authenticated and was still refused with 401. ' +
      CHAIN +
      ' Wrong credentials give the same text; the IIS log of the Exchange server tells the two apart (2148074310 vs 2148074252).',
    next: ['probe', 'find-iis-lines', 'show-extended-protection', 'check-epconfig'],
    remediation: [SHOW_EP, IIS_LINES, DISABLE_EP, SAME_CERT, PASS_THROUGH],
    severity: 'warning',
  },
  WCF_HTTP_UNAUTHORIZED: {
    title: 'A WCF client was refused with 401',
    explanation:
      'The HTTP request was refused although the client used the scheme the server offered. ' +
      'For Basic this means the credentials were rejected; behind a TLS-terminating device with Windows authentication, ' +
      'Extended Protection is the usual cause (see the IIS log of the server for the sc-win32-status).',
    next: ['find-iis-lines', 'check-credentials'],
    remediation: [IIS_LINES],
    severity: 'information',
  },
  MRS_PORT_9821: {
    title: "Port 9821 is Exchange Online's internal hop, not yours",
    explanation:
      'net.tcp://...:9821/Microsoft.Exchange.MailboxReplicationService is the call between Exchange Online servers inside Microsoft 365 ' +
      '(the name does not even resolve from outside). Nothing on premises listens on or needs 9821, and no firewall rule fixes it: ' +
      'the real failure is in the "Error details" that follow - usually the HTTPS call to /EWS/mrsproxy.svc refused with 401. ' +
      CHAIN,
    next: ['probe', 'find-iis-lines', 'show-extended-protection', 'check-epconfig'],
    remediation: [
      { label: 'Optional: confirm nothing on premises uses 9821 (the article found no such port)', command: 'Get-NetTCPConnection -LocalPort 9821' },
      SHOW_EP,
      IIS_LINES,
      DISABLE_EP,
      SAME_CERT,
    ],
    severity: 'warning',
  },
  MRS_401: {
    title: 'The on-premises endpoint answered (401) Unauthorized',
    explanation:
      'The HTTPS call from Exchange Online to /EWS/mrsproxy.svc ended with 401 after authenticating. ' +
      'Two causes look identical here: a wrong migration-endpoint password (IIS logs 401 1 2148074252) ' +
      'and Extended Protection behind a TLS-terminating device (401 1 2148074310). ' +
      CHAIN,
    next: ['probe', 'find-iis-lines', 'check-credentials'],
    remediation: [IIS_LINES, SHOW_EP, DISABLE_EP, SAME_CERT],
    severity: 'warning',
  },
  MRS_CREDENTIALS_REJECTED: {
    title: 'MRS blames the credentials - check Extended Protection before resetting passwords',
    explanation:
      '"Unable to connect to the remote server using the credentials provided" is what MRS says for every 401 from the on-premises endpoint, ' +
      'including the ones caused by Extended Protection. ' +
      CHAIN,
    next: ['probe', 'find-iis-lines', 'check-credentials'],
    remediation: [IIS_LINES, SHOW_EP, DISABLE_EP, SAME_CERT],
    severity: 'warning',
  },
  SEC_E_BAD_BINDINGS: {
    title: 'SEC_E_BAD_BINDINGS: the channel bindings did not match (Extended Protection)',
    explanation:
      "0x80090346 (2148074310, NTSTATUS 0xC000035B STATUS_BAD_BINDINGS): the client's channel binding token was computed over another TLS certificate " +
      'than the one IIS presents. A device in the path terminates TLS with its own certificate. ' +
      CHAIN,
    next: ['probe', 'find-iis-lines', 'compare-certificates', 'show-extended-protection', 'check-epconfig'],
    remediation: [COMPARE_CERTS, SHOW_EP, SAME_CERT, PASS_THROUGH, DISABLE_EP],
    severity: 'warning',
  },
  SEC_E_INVALID_TOKEN: {
    title: 'SEC_E_INVALID_TOKEN: the authentication token was not valid',
    explanation:
      '0x80090308 (2148074248): IIS could not process the NTLM/Negotiate token. Typical causes: the legs of one handshake ' +
      'reached different servers behind a load balancer without affinity, a proxy that does not keep the connection, or a mangled header.',
    next: ['find-iis-lines', 'probe'],
    remediation: [
      { label: 'Make the load balancer keep one client on one server (source-IP or cookie affinity) and one TCP connection per handshake' },
      IIS_LINES,
    ],
    severity: 'warning',
  },
  SEC_E_LOGON_DENIED: {
    title: 'SEC_E_LOGON_DENIED: the logon attempt failed',
    explanation:
      '0x8009030C (2148074252): the domain controller refused the account - wrong password, locked, disabled or expired account. ' +
      'For migrations: the credentials stored on the migration endpoint. This is not Extended Protection (that is 2148074310).',
    next: ['check-credentials', 'find-iis-lines'],
    remediation: [
      {
        label: 'Update the credentials of the migration endpoint (Exchange Online PowerShell)',
        command: 'Set-MigrationEndpoint -Identity <endpoint> -Credentials (Get-Credential)',
      },
      {
        label: 'Test the endpoint with the same credentials',
        command: 'Test-MigrationServerAvailability -ExchangeRemoteMove -RemoteServer <public host> -Credentials (Get-Credential)',
      },
    ],
    severity: 'warning',
  },
  SEC_E_NO_CREDENTIALS: {
    title: 'SEC_E_NO_CREDENTIALS: no credentials yet (the NTLM challenge leg)',
    explanation:
      '0x8009030E (2148074254): in an IIS log, "401 1 2148074254" is the normal second leg of an NTLM/Negotiate handshake (the server sends its challenge). ' +
      'It is a failure only when no third request follows: the client gave up or its connection was not kept between the legs.',
    next: ['find-iis-lines'],
    remediation: [IIS_LINES],
    severity: 'information',
  },
  HYBRID_AGENT_ENDPOINT: {
    title: 'Hybrid Agent endpoint (Azure App Proxy): Extended Protection cannot work through it',
    explanation:
      '*.msappproxy.net is the address under which the Hybrid Agent publishes your Exchange server to Exchange Online through Azure App Proxy. ' +
      "TLS ends at Microsoft's proxy and the agent opens a new connection to Exchange, so the channel bindings never match: " +
      "with the Hybrid Agent, Extended Protection on /EWS must be off. Probing this URL from outside tests Microsoft's proxy " +
      '(it answers 403 without its own pre-authentication), not your server. Check on the Exchange server instead: ' +
      'the Extended Protection setting, and the IIS log of /EWS/mrsproxy.svc at the time of the error.',
    next: ['find-iis-lines', 'show-extended-protection', 'check-epconfig'],
    remediation: [SHOW_EP, DISABLE_EP, IIS_LINES],
    severity: 'information',
  },
  TEST_MIGRATION_SERVER_AVAILABILITY: {
    title: 'Test-MigrationServerAvailability failed',
    explanation:
      "HCW runs Test-MigrationServerAvailability (and New-MigrationEndpoint does the same check) to see whether Exchange Online's MRS can reach /EWS/mrsproxy.svc. " +
      'Its ErrorDetail carries the real cause; a 401 with "Negotiate, NTLM" there is Extended Protection or credentials. ' +
      CHAIN,
    next: ['find-iis-lines', 'show-extended-protection', 'check-epconfig'],
    remediation: [SHOW_EP, IIS_LINES, DISABLE_EP],
    severity: 'warning',
  },
};

/** Hosts under which the Hybrid Agent publishes on-premises Exchange (Azure App Proxy). */
export function isHybridAgentHost(host: string): boolean {
  return /(^|\.)msappproxy\.net$/i.test(host);
}

/** The host of a URL without throwing on odd input. */
export function hostOf(url: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/:?#'"\s]+)/i.exec(url);
  return m ? m[1] : undefined;
}
