// sc-win32-status / ErrorCode / SSPI status decoding: decimal, hex, signed 32-bit and names.
// Texts follow the Windows message tables (winerror.h / ntstatus.h) so an admin can search them.

export type Win32Kind = 'sspi' | 'ntstatus' | 'win32' | 'hresult';

export interface Win32Info {
  /** Unsigned 32-bit decimal, as IIS writes sc-win32-status (2148074310). */
  decimal: number;
  /** "0x80090346" (8 hex digits for values above 0xFFFF, else the shortest form "0x40"). */
  hex: string;
  name: string;
  text: string;
  kind: Win32Kind;
}

type Row = readonly [number, string, string];

// SSPI (winerror.h, facility 9: SEC_E_* errors and SEC_I_* informational codes).
const SSPI: Row[] = [
  [0x80090300, 'SEC_E_INSUFFICIENT_MEMORY', 'Not enough memory is available to complete this request.'],
  [0x80090301, 'SEC_E_INVALID_HANDLE', 'The handle specified is invalid.'],
  [0x80090302, 'SEC_E_UNSUPPORTED_FUNCTION', 'The function requested is not supported.'],
  [0x80090303, 'SEC_E_TARGET_UNKNOWN', 'The specified target is unknown or unreachable.'],
  [0x80090304, 'SEC_E_INTERNAL_ERROR', 'The Local Security Authority cannot be contacted.'],
  [0x80090305, 'SEC_E_SECPKG_NOT_FOUND', 'The requested security package does not exist.'],
  [0x80090306, 'SEC_E_NOT_OWNER', 'The caller is not the owner of the desired credentials.'],
  [0x80090307, 'SEC_E_CANNOT_INSTALL', 'The security package failed to initialize, and cannot be installed.'],
  [0x80090308, 'SEC_E_INVALID_TOKEN', 'The token supplied to the function is invalid.'],
  [0x80090309, 'SEC_E_CANNOT_PACK', 'The security package is not able to marshall the logon buffer, so the logon attempt has failed.'],
  [0x8009030a, 'SEC_E_QOP_NOT_SUPPORTED', 'The per-message Quality of Protection is not supported by the security package.'],
  [0x8009030b, 'SEC_E_NO_IMPERSONATION', 'The security context does not allow impersonation of the client.'],
  [0x8009030c, 'SEC_E_LOGON_DENIED', 'The logon attempt failed.'],
  [0x8009030d, 'SEC_E_UNKNOWN_CREDENTIALS', 'The credentials supplied to the package were not recognized.'],
  [0x8009030e, 'SEC_E_NO_CREDENTIALS', 'No credentials are available in the security package.'],
  [0x8009030f, 'SEC_E_MESSAGE_ALTERED', 'The message or signature supplied for verification has been altered.'],
  [0x80090310, 'SEC_E_OUT_OF_SEQUENCE', 'The message supplied for verification is out of sequence.'],
  [0x80090311, 'SEC_E_NO_AUTHENTICATING_AUTHORITY', 'No authority could be contacted for authentication.'],
  [0x00090312, 'SEC_I_CONTINUE_NEEDED', 'The function completed successfully, but must be called again to complete the context.'],
  [0x00090313, 'SEC_I_COMPLETE_NEEDED', 'The function completed successfully, but CompleteToken must be called.'],
  [
    0x00090314,
    'SEC_I_COMPLETE_AND_CONTINUE',
    'The function completed successfully, but both CompleteToken and this function must be called to complete the context.',
  ],
  [0x00090315, 'SEC_I_LOCAL_LOGON', 'The logon was completed, but no network authority was available. The logon was made using locally known information.'],
  [0x80090316, 'SEC_E_BAD_PKGID', 'The requested security package does not exist.'],
  [0x80090317, 'SEC_E_CONTEXT_EXPIRED', 'The context has expired and can no longer be used.'],
  [0x00090317, 'SEC_I_CONTEXT_EXPIRED', 'The context has expired and can no longer be used.'],
  [0x80090318, 'SEC_E_INCOMPLETE_MESSAGE', 'The supplied message is incomplete. The signature was not verified.'],
  [0x80090320, 'SEC_E_INCOMPLETE_CREDENTIALS', 'The credentials supplied were not complete, and could not be verified. The context could not be initialized.'],
  [
    0x00090320,
    'SEC_I_INCOMPLETE_CREDENTIALS',
    'The credentials supplied were not complete, and could not be verified. Additional information can be returned from the context.',
  ],
  [0x80090321, 'SEC_E_BUFFER_TOO_SMALL', 'The buffers supplied to a function was too small.'],
  [0x00090321, 'SEC_I_RENEGOTIATE', 'The context data must be renegotiated with the peer.'],
  [0x80090322, 'SEC_E_WRONG_PRINCIPAL', 'The target principal name is incorrect.'],
  [0x00090323, 'SEC_I_NO_LSA_CONTEXT', 'There is no LSA mode context associated with this context.'],
  [0x80090324, 'SEC_E_TIME_SKEW', 'The clocks on the client and server machines are skewed.'],
  [0x80090325, 'SEC_E_UNTRUSTED_ROOT', 'The certificate chain was issued by an authority that is not trusted.'],
  [0x80090326, 'SEC_E_ILLEGAL_MESSAGE', 'The message received was unexpected or badly formatted.'],
  [0x80090327, 'SEC_E_CERT_UNKNOWN', 'An unknown error occurred while processing the certificate.'],
  [0x80090328, 'SEC_E_CERT_EXPIRED', 'The received certificate has expired.'],
  [0x80090329, 'SEC_E_ENCRYPT_FAILURE', 'The specified data could not be encrypted.'],
  [0x80090330, 'SEC_E_DECRYPT_FAILURE', 'The specified data could not be decrypted.'],
  [0x80090331, 'SEC_E_ALGORITHM_MISMATCH', 'The client and server cannot communicate, because they do not possess a common algorithm.'],
  [
    0x80090332,
    'SEC_E_SECURITY_QOS_FAILED',
    'The security context could not be established due to a failure in the requested quality of service (e.g. mutual authentication or delegation).',
  ],
  [0x80090333, 'SEC_E_UNFINISHED_CONTEXT_DELETED', 'A security context was deleted before the context was completed. This is considered a logon failure.'],
  [0x80090334, 'SEC_E_NO_TGT_REPLY', 'The client is trying to negotiate a context and the server requires user-to-user but did not send a TGT reply.'],
  [0x80090335, 'SEC_E_NO_IP_ADDRESSES', 'Unable to accomplish the requested task because the local machine does not have any IP addresses.'],
  [0x80090336, 'SEC_E_WRONG_CREDENTIAL_HANDLE', 'The supplied credential handle does not match the credential associated with the security context.'],
  [0x80090337, 'SEC_E_CRYPTO_SYSTEM_INVALID', 'The crypto system or checksum function is invalid because a required function is unavailable.'],
  [0x80090338, 'SEC_E_MAX_REFERRALS_EXCEEDED', 'The number of maximum ticket referrals has been exceeded.'],
  [0x80090339, 'SEC_E_MUST_BE_KDC', 'The local machine must be a Kerberos KDC (domain controller) and it is not.'],
  [
    0x8009033a,
    'SEC_E_STRONG_CRYPTO_NOT_SUPPORTED',
    'The other end of the security negotiation requires strong crypto but it is not supported on the local machine.',
  ],
  [0x8009033b, 'SEC_E_TOO_MANY_PRINCIPALS', 'The KDC reply contained more than one principal name.'],
  [0x8009033c, 'SEC_E_NO_PA_DATA', 'Expected to find PA data for a hint of what etype to use, but it was not found.'],
  [0x8009033d, 'SEC_E_PKINIT_NAME_MISMATCH', 'The client certificate does not contain a valid UPN, or does not match the client name in the logon request.'],
  [0x8009033e, 'SEC_E_SMARTCARD_LOGON_REQUIRED', 'Smartcard logon is required and was not used.'],
  [0x8009033f, 'SEC_E_SHUTDOWN_IN_PROGRESS', 'A system shutdown is in progress.'],
  [0x80090340, 'SEC_E_KDC_INVALID_REQUEST', 'An invalid request was sent to the KDC.'],
  [0x80090341, 'SEC_E_KDC_UNABLE_TO_REFER', 'The KDC was unable to generate a referral for the service requested.'],
  [0x80090342, 'SEC_E_KDC_UNKNOWN_ETYPE', 'The encryption type requested is not supported by the KDC.'],
  [0x80090343, 'SEC_E_UNSUPPORTED_PREAUTH', 'An unsupported preauthentication mechanism was presented to the Kerberos package.'],
  [
    0x80090345,
    'SEC_E_DELEGATION_REQUIRED',
    'The requested operation cannot be completed. The computer must be trusted for delegation and the current user account must be configured to allow delegation.',
  ],
  [0x80090346, 'SEC_E_BAD_BINDINGS', "The client's supplied SSPI channel bindings were incorrect."],
  [0x80090347, 'SEC_E_MULTIPLE_ACCOUNTS', 'The received certificate was mapped to multiple accounts.'],
  [0x80090348, 'SEC_E_NO_KERB_KEY', 'No Kerberos key was found.'],
  [0x80090349, 'SEC_E_CERT_WRONG_USAGE', 'The certificate is not valid for the requested usage.'],
  [0x80090350, 'SEC_E_DOWNGRADE_DETECTED', 'The system cannot contact a domain controller to service the authentication request. Please try again later.'],
  [0x80090351, 'SEC_E_SMARTCARD_CERT_REVOKED', 'The smartcard certificate used for authentication has been revoked.'],
  [
    0x80090352,
    'SEC_E_ISSUING_CA_UNTRUSTED',
    'An untrusted certificate authority was detected while processing the smartcard certificate used for authentication.',
  ],
  [0x80090353, 'SEC_E_REVOCATION_OFFLINE_C', 'The revocation status of the smartcard certificate used for authentication could not be determined.'],
  [0x80090354, 'SEC_E_PKINIT_CLIENT_FAILURE', 'The smartcard certificate used for authentication was not trusted.'],
  [0x80090355, 'SEC_E_SMARTCARD_CERT_EXPIRED', 'The smartcard certificate used for authentication has expired.'],
  [
    0x80090356,
    'SEC_E_NO_S4U_PROT_SUPPORT',
    'The Kerberos subsystem encountered an error. A service for user protocol request was made against a domain controller which does not support service for user.',
  ],
  [
    0x80090357,
    'SEC_E_CROSSREALM_DELEGATION_FAILURE',
    "An attempt was made by this server to make a Kerberos constrained delegation request for a target outside of the server's realm.",
  ],
  [
    0x80090358,
    'SEC_E_REVOCATION_OFFLINE_KDC',
    'The revocation status of the domain controller certificate used for smartcard authentication could not be determined.',
  ],
  [
    0x80090359,
    'SEC_E_ISSUING_CA_UNTRUSTED_KDC',
    'An untrusted certificate authority was detected while processing the domain controller certificate used for authentication.',
  ],
  [0x8009035a, 'SEC_E_KDC_CERT_EXPIRED', 'The domain controller certificate used for smartcard logon has expired.'],
  [0x8009035b, 'SEC_E_KDC_CERT_REVOKED', 'The domain controller certificate used for smartcard logon has been revoked.'],
  [0x0009035c, 'SEC_I_SIGNATURE_NEEDED', 'A signature operation must be performed before the user can authenticate.'],
  [0x8009035d, 'SEC_E_INVALID_PARAMETER', 'One or more of the parameters passed to the function was invalid.'],
  [0x8009035e, 'SEC_E_DELEGATION_POLICY', 'Client policy does not allow credential delegation to target server.'],
  [0x8009035f, 'SEC_E_POLICY_NLTM_ONLY', 'Client policy does not allow credential delegation to target server with NLTM only authentication.'],
  [0x00090360, 'SEC_I_NO_RENEGOTIATION', 'The recipient rejected the renegotiation request.'],
  [0x80090361, 'SEC_E_NO_CONTEXT', 'The required security context does not exist.'],
  [0x80090362, 'SEC_E_PKU2U_CERT_FAILURE', 'The PKU2U protocol encountered an error while attempting to utilize the associated certificates.'],
  [0x80090363, 'SEC_E_MUTUAL_AUTH_FAILED', 'The identity of the server computer could not be verified.'],
  [0x00090364, 'SEC_I_MESSAGE_FRAGMENT', 'The returned buffer is only a fragment of the message. More fragments need to be returned.'],
  [0x80090365, 'SEC_E_ONLY_HTTPS_ALLOWED', 'Only https scheme is allowed.'],
  [
    0x00090366,
    'SEC_I_CONTINUE_NEEDED_MESSAGE_OK',
    'The function completed successfully, but must be called again to complete the context. Early start can be used.',
  ],
  [
    0x80090367,
    'SEC_E_APPLICATION_PROTOCOL_MISMATCH',
    'No common application protocol exists between the client and the server. Application protocol negotiation failed.',
  ],
];

// NTSTATUS (ntstatus.h): what LSA / SSPI report for failed network logons.
const NTSTATUS: Row[] = [
  [0xc000035b, 'STATUS_BAD_BINDINGS', "The client's supplied SSPI channel bindings were incorrect."],
  [0xc000006d, 'STATUS_LOGON_FAILURE', 'The attempted logon is invalid. This is either due to a bad username or authentication information.'],
  [
    0xc000006a,
    'STATUS_WRONG_PASSWORD',
    'When trying to update a password, this return status indicates that the value provided as the current password is not correct.',
  ],
  [0xc0000064, 'STATUS_NO_SUCH_USER', 'The specified account does not exist.'],
  [
    0xc000006e,
    'STATUS_ACCOUNT_RESTRICTION',
    'Indicates a referenced user name and authentication information are valid, but some user account restriction has prevented successful authentication (such as time-of-day restrictions).',
  ],
  [0xc000006f, 'STATUS_INVALID_LOGON_HOURS', 'The user account has time restrictions and cannot be logged onto at this time.'],
  [0xc0000070, 'STATUS_INVALID_WORKSTATION', 'The user account is restricted so that it cannot be used to log on from the source workstation.'],
  [0xc0000071, 'STATUS_PASSWORD_EXPIRED', 'The user account password has expired.'],
  [0xc0000072, 'STATUS_ACCOUNT_DISABLED', 'The referenced account is currently disabled and cannot be logged on to.'],
  [0xc0000193, 'STATUS_ACCOUNT_EXPIRED', 'The user account has expired.'],
  [0xc0000224, 'STATUS_PASSWORD_MUST_CHANGE', 'The user password must be changed before logging on the first time.'],
  [
    0xc0000234,
    'STATUS_ACCOUNT_LOCKED_OUT',
    'The user account has been automatically locked because too many invalid logon attempts or password change attempts have been requested.',
  ],
  [0xc000015b, 'STATUS_LOGON_TYPE_NOT_GRANTED', 'A user has requested a type of logon (for example, interactive or network) that has not been granted.'],
  [0xc000005e, 'STATUS_NO_LOGON_SERVERS', 'No logon servers are currently available to service the logon request.'],
  [
    0xc0000133,
    'STATUS_TIME_DIFFERENCE_AT_DC',
    'The time at the primary domain controller is different from the time at the backup domain controller or member server by too large an amount.',
  ],
  [
    0xc000018d,
    'STATUS_TRUSTED_RELATIONSHIP_FAILURE',
    'The logon request failed because the trust relationship between this workstation and the primary domain failed.',
  ],
  [0xc0000192, 'STATUS_NETLOGON_NOT_STARTED', 'An attempt was made to logon, but the NetLogon service was not started.'],
  [
    0xc0000413,
    'STATUS_AUTHENTICATION_FIREWALL_FAILED',
    'The computer you are logging on to is protected by an authentication firewall. The specified account is not allowed to authenticate to the computer.',
  ],
  [0xc000022d, 'STATUS_RETRY', 'The attempted operation should be retried.'],
  [0xc0000022, 'STATUS_ACCESS_DENIED', 'A process has requested access to an object but has not been granted those access rights.'],
  [0xc000000d, 'STATUS_INVALID_PARAMETER', 'An invalid parameter was passed to a service or function.'],
  [0xc000009a, 'STATUS_INSUFFICIENT_RESOURCES', 'Insufficient system resources exist to complete the API.'],
  [0xc00000bb, 'STATUS_NOT_SUPPORTED', 'The request is not supported.'],
  [0xc0000120, 'STATUS_CANCELLED', 'The I/O request was canceled.'],
  [0xc0000380, 'STATUS_SMARTCARD_WRONG_PIN', 'An incorrect PIN was presented to the smart card.'],
];

// Win32 errors (winerror.h) common in sc-win32-status, incl. Winsock and WinHTTP codes.
const WIN32: Row[] = [
  [0, 'ERROR_SUCCESS', 'The operation completed successfully.'],
  [1, 'ERROR_INVALID_FUNCTION', 'Incorrect function.'],
  [2, 'ERROR_FILE_NOT_FOUND', 'The system cannot find the file specified.'],
  [3, 'ERROR_PATH_NOT_FOUND', 'The system cannot find the path specified.'],
  [5, 'ERROR_ACCESS_DENIED', 'Access is denied.'],
  [6, 'ERROR_INVALID_HANDLE', 'The handle is invalid.'],
  [8, 'ERROR_NOT_ENOUGH_MEMORY', 'Not enough memory resources are available to process this command.'],
  [13, 'ERROR_INVALID_DATA', 'The data is invalid.'],
  [14, 'ERROR_OUTOFMEMORY', 'Not enough memory resources are available to complete this operation.'],
  [32, 'ERROR_SHARING_VIOLATION', 'The process cannot access the file because it is being used by another process.'],
  [38, 'ERROR_HANDLE_EOF', 'Reached the end of the file.'],
  [50, 'ERROR_NOT_SUPPORTED', 'The request is not supported.'],
  [53, 'ERROR_BAD_NETPATH', 'The network path was not found.'],
  [59, 'ERROR_UNEXP_NET_ERR', 'An unexpected network error occurred.'],
  [64, 'ERROR_NETNAME_DELETED', 'The specified network name is no longer available.'],
  [87, 'ERROR_INVALID_PARAMETER', 'The parameter is incorrect.'],
  [109, 'ERROR_BROKEN_PIPE', 'The pipe has been ended.'],
  [121, 'ERROR_SEM_TIMEOUT', 'The semaphore timeout period has expired.'],
  [122, 'ERROR_INSUFFICIENT_BUFFER', 'The data area passed to a system call is too small.'],
  [123, 'ERROR_INVALID_NAME', 'The filename, directory name, or volume label syntax is incorrect.'],
  [183, 'ERROR_ALREADY_EXISTS', 'Cannot create a file when that file already exists.'],
  [234, 'ERROR_MORE_DATA', 'More data is available.'],
  [258, 'WAIT_TIMEOUT', 'The wait operation timed out.'],
  [995, 'ERROR_OPERATION_ABORTED', 'The I/O operation has been aborted because of either a thread exit or an application request.'],
  [997, 'ERROR_IO_PENDING', 'Overlapped I/O operation is in progress.'],
  [1168, 'ERROR_NOT_FOUND', 'Element not found.'],
  [1225, 'ERROR_CONNECTION_REFUSED', 'The remote computer refused the network connection.'],
  [1229, 'ERROR_CONNECTION_INVALID', 'An operation was attempted on a nonexistent network connection.'],
  [1231, 'ERROR_NETWORK_UNREACHABLE', 'The network location cannot be reached.'],
  [1232, 'ERROR_HOST_UNREACHABLE', 'The network location cannot be reached.'],
  [1235, 'ERROR_REQUEST_ABORTED', 'The request was aborted.'],
  [1236, 'ERROR_CONNECTION_ABORTED', 'The network connection was aborted by the local system.'],
  [1244, 'ERROR_NOT_AUTHENTICATED', 'The operation being requested was not performed because the user has not been authenticated.'],
  [1311, 'ERROR_NO_LOGON_SERVERS', 'There are currently no logon servers available to service the logon request.'],
  [1317, 'ERROR_NO_SUCH_USER', 'The specified account does not exist.'],
  [1326, 'ERROR_LOGON_FAILURE', 'The user name or password is incorrect.'],
  [1327, 'ERROR_ACCOUNT_RESTRICTION', 'Account restrictions are preventing this user from signing in.'],
  [1328, 'ERROR_INVALID_LOGON_HOURS', 'Your account has time restrictions that keep you from signing in right now.'],
  [1329, 'ERROR_INVALID_WORKSTATION', "This user isn't allowed to sign in to this computer."],
  [1330, 'ERROR_PASSWORD_EXPIRED', 'The password for this account has expired.'],
  [1331, 'ERROR_ACCOUNT_DISABLED', "This user can't sign in because this account is currently disabled."],
  [1385, 'ERROR_LOGON_TYPE_NOT_GRANTED', 'Logon failure: the user has not been granted the requested logon type at this computer.'],
  [1396, 'ERROR_WRONG_TARGET_NAME', 'The target account name is incorrect.'],
  [1786, 'ERROR_NO_TRUST_LSA_SECRET', 'The workstation does not have a trust secret.'],
  [1787, 'ERROR_NO_TRUST_SAM_ACCOUNT', 'The security database on the server does not have a computer account for this workstation trust relationship.'],
  [1789, 'ERROR_TRUSTED_RELATIONSHIP_FAILURE', 'The trust relationship between this workstation and the primary domain failed.'],
  [1793, 'ERROR_ACCOUNT_EXPIRED', "The user's account has expired."],
  [1907, 'ERROR_PASSWORD_MUST_CHANGE', "The user's password must be changed before signing in."],
  [1909, 'ERROR_ACCOUNT_LOCKED_OUT', 'The referenced account is currently locked out and may not be logged on to.'],
  [10053, 'WSAECONNABORTED', 'An established connection was aborted by the software in your host machine.'],
  [10054, 'WSAECONNRESET', 'An existing connection was forcibly closed by the remote host.'],
  [
    10060,
    'WSAETIMEDOUT',
    'A connection attempt failed because the connected party did not properly respond after a period of time, or established connection failed because connected host has failed to respond.',
  ],
  [10061, 'WSAECONNREFUSED', 'No connection could be made because the target machine actively refused it.'],
  [10065, 'WSAEHOSTUNREACH', 'A socket operation was attempted to an unreachable host.'],
  [12002, 'ERROR_WINHTTP_TIMEOUT', 'The operation timed out.'],
  [12007, 'ERROR_WINHTTP_NAME_NOT_RESOLVED', 'The server name or address could not be resolved.'],
  [12029, 'ERROR_WINHTTP_CANNOT_CONNECT', 'A connection with the server could not be established.'],
  [12030, 'ERROR_WINHTTP_CONNECTION_ERROR', 'The connection with the server was terminated abnormally.'],
  [12152, 'ERROR_WINHTTP_INVALID_SERVER_RESPONSE', 'The server response could not be parsed.'],
  [12175, 'ERROR_WINHTTP_SECURE_FAILURE', 'A security error occurred.'],
];

// HRESULTs that are not HRESULT_FROM_WIN32 of a code above.
const HRESULT: Row[] = [
  [0x80004005, 'E_FAIL', 'Unspecified error.'],
  [0x80004001, 'E_NOTIMPL', 'Not implemented.'],
  [0x80004002, 'E_NOINTERFACE', 'No such interface supported.'],
  [0x80004003, 'E_POINTER', 'Invalid pointer.'],
  [0x8000ffff, 'E_UNEXPECTED', 'Catastrophic failure.'],
  [0x80070005, 'E_ACCESSDENIED', 'Access is denied.'],
  [0x8007000e, 'E_OUTOFMEMORY', 'Not enough memory resources are available to complete this operation.'],
  [0x80070057, 'E_INVALIDARG', 'The parameter is incorrect.'],
  [0x80090001, 'NTE_BAD_UID', 'Bad UID.'],
  [0x80090005, 'NTE_BAD_DATA', 'Bad Data.'],
  [0x80090006, 'NTE_BAD_SIGNATURE', 'Invalid Signature.'],
  [0x80090009, 'NTE_BAD_FLAGS', 'Invalid flags specified.'],
  [0x8009000f, 'NTE_EXISTS', 'Object already exists.'],
  [0x80090016, 'NTE_BAD_KEYSET', 'Keyset does not exist.'],
  [0x80090020, 'NTE_FAIL', 'An internal error occurred.'],
  [0x80090029, 'NTE_NOT_SUPPORTED', 'The requested operation is not supported.'],
  [0x800b0109, 'CERT_E_UNTRUSTEDROOT', 'A certificate chain processed, but terminated in a root certificate which is not trusted by the trust provider.'],
  [0x800b010f, 'CERT_E_CN_NO_MATCH', "The certificate's CN name does not match the passed value."],
  [
    0x800b0101,
    'CERT_E_EXPIRED',
    'A required certificate is not within its validity period when verifying against the current system clock or the timestamp in the signed file.',
  ],
];

function toHex(n: number): string {
  return '0x' + (n > 0xffff ? n.toString(16).toUpperCase().padStart(8, '0') : n.toString(16).toUpperCase());
}

interface Tables {
  byCode: Map<number, Win32Info>;
  byName: Map<string, Win32Info>;
}
let tables: Tables | undefined;

/** The lookup maps, built at the first lookup (not at load: the CLI's startup does not pay for them). */
function lookup(): Tables {
  if (tables) return tables;
  const t: Tables = { byCode: new Map(), byName: new Map() };
  const add = (rows: Row[], kind: Win32Kind): void => {
    for (const [code, name, text] of rows) {
      const info: Win32Info = { decimal: code >>> 0, hex: toHex(code >>> 0), name, text, kind };
      if (!t.byCode.has(info.decimal)) t.byCode.set(info.decimal, info);
      if (!t.byName.has(name)) t.byName.set(name, info);
    }
  };
  add(SSPI, 'sspi');
  add(NTSTATUS, 'ntstatus');
  add(WIN32, 'win32');
  add(HRESULT, 'hresult');
  return (tables = t);
}

/**
 * The unsigned 32-bit value of a code written as decimal ("2148074310"), hex ("0x80090346",
 * "80090346h"), signed decimal ("-2146892986"); undefined when it is not a 32-bit value (IIS
 * logs from sanitizers carry "214784354254": that must not wrap onto a real code).
 */
export function parseWin32Code(code: number | string): number | undefined {
  if (typeof code === 'number') {
    if (!Number.isInteger(code)) return undefined;
    if (code >= 0 && code <= 0xffffffff) return code;
    if (code < 0 && code >= -0x80000000) return code >>> 0;
    return undefined;
  }
  const s = code.trim();
  let m = /^0x([0-9a-f]{1,8})$/i.exec(s) ?? /^([0-9a-f]{1,8})h$/i.exec(s);
  if (m) return parseInt(m[1], 16) >>> 0;
  m = /^(-?)(\d{1,10})$/.exec(s);
  if (m) return parseWin32Code(Number(s));
  return undefined;
}

/** Name, text and notations of a sc-win32-status / SSPI / NTSTATUS / HRESULT code, or undefined. */
export function describeWin32(code: number | string): Win32Info | undefined {
  if (typeof code === 'string') {
    const byN = lookup().byName.get(code.trim().toUpperCase());
    if (byN) return byN;
  }
  const n = parseWin32Code(code);
  if (n === undefined) return undefined;
  const { byCode } = lookup();
  const hit = byCode.get(n);
  if (hit) return hit;
  // HRESULT_FROM_WIN32: 0x8007xxxx carries a Win32 code in its low word.
  if ((n & 0xffff0000) >>> 0 === 0x80070000) {
    const w = byCode.get(n & 0xffff);
    if (w && w.kind === 'win32') return { decimal: n, hex: toHex(n), name: w.name, text: w.text, kind: 'hresult' };
  }
  return undefined;
}

/** "2148074310 = 0x80090346 SEC_E_BAD_BINDINGS" style label; the bare number when unknown. */
export function win32Label(code: number | string): string {
  const info = describeWin32(code);
  if (!info) return String(code);
  return `${info.decimal} (${info.hex} ${info.name})`;
}

/** SSPI error family (0x8009xxxx) or the NTSTATUS channel-binding form: the auth failures. */
export function isSspiFailure(n: number): boolean {
  return (n >= 0x80090300 && n <= 0x800903ff) || n === 0xc000035b;
}
