// What the FREB events of the authentication story and the request frame mean, for hovers and the
// report (freb.xsl shows only the names).

export const FREB_EVENT_DOCS: Record<string, string> = {
  GENERAL_REQUEST_START: 'The request enters the IIS pipeline: URL, verb, site and app pool as IIS received them.',
  GENERAL_REQUEST_END: 'The request leaves the pipeline: the final HttpStatus / HttpSubStatus and the bytes sent and received.',
  GENERAL_ENDPOINT_INFORMATION:
    'The TCP endpoints: RemoteAddress is the client as IIS sees it - behind a reverse proxy or load balancer that is the proxy, not the real client.',
  GENERAL_REQUEST_HEADERS: 'The request headers as IIS received them, including Authorization (the NTLM/Kerberos token of this leg).',
  GENERAL_RESPONSE_HEADERS: 'The response headers IIS sent, including WWW-Authenticate (the challenge) on a 401.',
  GENERAL_SET_RESPONSE_HEADER: 'A module set a response header (WWW-Authenticate offers Negotiate/NTLM or carries the NTLM CHALLENGE).',
  GENERAL_FLUSH_RESPONSE_START: 'IIS starts sending the response.',
  GENERAL_FLUSH_RESPONSE_END: 'IIS finished sending the response; ErrorCode is the send result.',
  GENERAL_RESPONSE_ENTITY_BUFFER: 'The response body IIS sent (for a 401 the IIS error page).',
  GENERAL_READ_ENTITY_START: 'IIS starts reading the request body.',
  GENERAL_READ_ENTITY_END: 'IIS finished reading the request body.',
  AUTH_START: 'An authentication module starts; AuthTypeSupported names the method it handles (NT = Windows authentication: Negotiate/NTLM).',
  AUTH_REQUEST_AUTH_TYPE:
    'The authentication method the request asked for (from its Authorization header): Anonymous when there was none, NT for Negotiate/NTLM, Basic.',
  AUTH_SUCCEEDED: 'Authentication succeeded: the user, the method, and NTLMUsed (true: NTLM, false: Kerberos).',
  AUTH_FAILED: 'Authentication failed in this module.',
  AUTH_END: 'The authentication module is done with this request.',
  AUTH_TYPE_NOT_SUPPORTED: 'The request asked for an authentication method that is not enabled here.',
  SECURITY_DENIED_BY_ACCESS_CHECK: 'The authenticated user has no NTFS/authorization access to the resource.',
  USER_SET: 'The user and auth type IIS settled on for the request.',
  MODULE_SET_RESPONSE_ERROR_STATUS:
    'A module set the error status of the response: ModuleName, Notification, HttpStatus.HttpSubStatus and ErrorCode (the Windows/SSPI code behind it). This is the event that carries the failure.',
  MODULE_SET_RESPONSE_SUCCESS_STATUS: 'A module set a success status.',
  NOTIFY_MODULE_START: 'A module is called for a pipeline notification (AUTHENTICATE_REQUEST, EXECUTE_REQUEST_HANDLER, SEND_RESPONSE, ...).',
  NOTIFY_MODULE_END: 'The module returned from the notification (NotificationStatus).',
  NOTIFY_MODULE_COMPLETION: 'An asynchronous module call completed.',
  PRE_BEGIN_REQUEST_START: 'A global module runs before the request starts.',
  PRE_BEGIN_REQUEST_END: 'The global module finished its pre-begin work.',
  URL_CACHE_ACCESS_START: 'IIS looks up the URL in its metadata cache.',
  URL_CACHE_ACCESS_END: 'Result of the URL cache lookup (physical path, cached or not).',
  HANDLER_CHANGED: 'The handler for the request was chosen or changed (static file, ASP.NET, ISAPI, ...).',
  HANDLER_PRECONDITION_NOT_MATCH: 'A handler was skipped because its preconditions do not match.',
  STATIC_FILE_START: 'The static file handler starts.',
  STATIC_FILE_END: 'The static file handler finished.',
  CONFIG_CHANGE: 'Configuration was read or changed for this URL.',
  FILTER_START: 'An ISAPI filter starts.',
  FILTER_END: 'An ISAPI filter finished.',
  MODULE_PRECONDITION_NOT_MATCH: 'A module was skipped because its preconditions do not match.',
};

export const FREB_LEVEL_DOCS: Record<number, string> = {
  0: 'General (always logged)',
  1: 'Critical Error',
  2: 'Error',
  3: 'Warning (IIS writes MODULE_SET_RESPONSE_ERROR_STATUS at this level)',
  4: 'Information',
  5: 'Verbose',
};

export const REQUEST_AUTH_TYPES: Record<string, string> = {
  '0': 'None',
  '1': 'Anonymous',
  '2': 'Basic',
  '4': 'NT (Windows authentication: Negotiate or NTLM)',
  '8': 'Digest',
  '16': 'Passport',
  '32': 'Certificate',
  '64': 'MapCert',
  '128': 'MapCliCert (client certificate mapping)',
};

export const HEADER_DOCS: Record<string, string> = {
  authorization:
    "The client's credentials for this leg. Negotiate/NTLM carry a base64 token: NTLM NEGOTIATE (type 1), AUTHENTICATE (type 3, with the channel binding hash under Extended Protection) or a Kerberos AP-REQ.",
  'www-authenticate': "The server's challenge: the schemes it offers (Negotiate, NTLM) or, in the second leg, the NTLM CHALLENGE token.",
  'x-forwarded-for':
    'The client address a proxy or load balancer saw. Its presence means TLS may be terminated in front of IIS - with Extended Protection that breaks channel binding (SEC_E_BAD_BINDINGS) unless the proxy re-encrypts with the same certificate.',
  'x-forwarded-proto': 'The scheme the client used before a proxy: TLS was terminated in front of IIS.',
  host: 'The host name the client asked for; it should match the SPN (HTTP/host) the client used for Kerberos.',
  'user-agent': 'The client program (MRS shows as MSEXCH-MRS-Proxy in Exchange Online migrations).',
  connection: 'Keep-alive matters: NTLM authenticates the TCP connection, so a proxy must keep one client connection per server connection.',
  'persistent-auth': 'Whether the server keeps the authentication for the connection.',
};
