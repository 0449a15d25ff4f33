// HTTP status codes with the IIS sub-status meanings (sc-status + sc-substatus), as IIS documents
// them ("The HTTP status code in IIS"). Used by hovers, findings messages and the CLI.

export type StatusClass = 'informational' | 'success' | 'redirect' | 'client-error' | 'server-error' | 'unknown';

export interface StatusInfo {
  status: number;
  substatus?: number;
  /** "401.1", or "404" without a substatus. */
  code: string;
  /** The HTTP reason phrase ("Unauthorized"); "" for codes without one (FTP codes in old logs). */
  reason: string;
  /** What IIS means by the substatus ("Logon failed"), when known. */
  meaning?: string;
  /** A sentence for the admin about what usually causes it, for the auth-relevant ones. */
  hint?: string;
  statusClass: StatusClass;
}

const REASONS: Record<number, string> = {
  100: 'Continue',
  101: 'Switching Protocols',
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  203: 'Non-Authoritative Information',
  204: 'No Content',
  205: 'Reset Content',
  206: 'Partial Content',
  207: 'Multi-Status',
  300: 'Multiple Choices',
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  304: 'Not Modified',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  416: 'Range Not Satisfiable',
  417: 'Expectation Failed',
  421: 'Misdirected Request',
  422: 'Unprocessable Entity',
  423: 'Locked',
  424: 'Failed Dependency',
  426: 'Upgrade Required',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  440: 'Login Time-out',
  449: 'Retry With',
  451: 'Unavailable For Legal Reasons',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  505: 'HTTP Version Not Supported',
  507: 'Insufficient Storage',
  508: 'Loop Detected',
};

const SUB: Record<string, string> = {
  '400.1': 'Invalid Destination header',
  '400.2': 'Invalid Depth header',
  '400.3': 'Invalid If header',
  '400.4': 'Invalid Overwrite header',
  '400.5': 'Invalid Translate header',
  '400.6': 'Invalid request body',
  '400.7': 'Invalid Content-Length',
  '400.8': 'Invalid Timeout',
  '400.9': 'Invalid lock token',
  '400.10': 'Invalid X-Forwarded-For (XFF) header',
  '400.11': 'Invalid WebSocket request',
  '400.601': 'Bad client request (ARR)',
  '400.602': 'Invalid time format (ARR)',
  '400.603': 'Parse range error (ARR)',
  '400.604': 'Client gone (ARR)',
  '400.605': 'Max-Forwards exceeded (ARR)',
  '400.606': 'Asynchronous competition error (ARR)',
  '401.0': 'Access denied',
  '401.1': 'Logon failed',
  '401.2': 'Logon failed due to server configuration (no Authorization header yet, or no auth method the client offered is enabled)',
  '401.3': 'Unauthorized due to ACL on resource',
  '401.4': 'Authorization failed by filter',
  '401.5': 'Authorization failed by ISAPI/CGI application',
  '401.501': 'Access denied: too many concurrent requests from the same client IP (Dynamic IP Restrictions)',
  '401.502': 'Access denied: maximum request rate from the same client IP reached (Dynamic IP Restrictions)',
  '401.503': 'Access denied: the IP address is in the IP Restrictions deny list',
  '401.504': 'Access denied: the host name is in the IP Restrictions deny list',
  '403.1': 'Execute access forbidden',
  '403.2': 'Read access forbidden',
  '403.3': 'Write access forbidden',
  '403.4': 'SSL required',
  '403.5': 'SSL 128 required',
  '403.6': 'IP address rejected',
  '403.7': 'Client certificate required',
  '403.8': 'Site access denied',
  '403.9': 'Too many clients are trying to connect to the web server',
  '403.10': 'Web server is configured to deny Execute access',
  '403.11': 'Password has been changed',
  '403.12': 'Mapper denied access',
  '403.13': 'Client certificate revoked',
  '403.14': 'Directory listing denied',
  '403.15': 'Client access licenses have exceeded limits',
  '403.16': 'Client certificate is untrusted or invalid',
  '403.17': 'Client certificate has expired or is not yet valid',
  '403.18': 'Cannot execute requested URL in the current application pool',
  '403.19': 'Cannot execute CGI applications for the client in this application pool',
  '403.20': 'Passport logon failed',
  '403.21': 'Source access denied',
  '403.22': 'Infinite depth is denied',
  '403.501': 'Forbidden: too many concurrent requests from the same client IP',
  '403.502': 'Forbidden: maximum request rate from the same client IP reached',
  '403.503': 'Forbidden: the IP address is in the deny list',
  '403.504': 'Forbidden: the host name is in the deny list',
  '404.0': 'Not found',
  '404.1': 'Site not found',
  '404.2': 'ISAPI or CGI restriction',
  '404.3': 'MIME type restriction',
  '404.4': 'No handler configured',
  '404.5': 'Denied by request filtering configuration (URL sequence)',
  '404.6': 'Verb denied',
  '404.7': 'File extension denied',
  '404.8': 'Hidden namespace',
  '404.9': 'File attribute hidden',
  '404.10': 'Request header too long',
  '404.11': 'Request contains double escape sequence',
  '404.12': 'Request contains high-bit characters',
  '404.13': 'Content length too large',
  '404.14': 'Request URL too long',
  '404.15': 'Query string too long',
  '404.16': 'DAV request sent to the static file handler',
  '404.17': 'Dynamic content mapped to the static file handler via a wildcard MIME mapping',
  '404.18': 'Query string sequence denied',
  '404.19': 'Denied by filtering rule',
  '404.20': 'Too many URL segments',
  '404.501': 'Not found: too many concurrent requests from the same client IP',
  '404.502': 'Not found: maximum request rate from the same client IP reached',
  '404.503': 'Not found: the IP address is in the deny list',
  '404.504': 'Not found: the host name is in the deny list',
  '500.0': 'Module or ISAPI error occurred',
  '500.11': 'Application is shutting down on the web server',
  '500.12': 'Application is busy restarting on the web server',
  '500.13': 'Web server is too busy',
  '500.15': 'Direct requests for Global.asax are not allowed',
  '500.19': 'Configuration data is invalid',
  '500.21': 'Module not recognized',
  '500.22': 'An ASP.NET httpModules configuration does not apply in Managed Pipeline mode',
  '500.23': 'An ASP.NET httpHandlers configuration does not apply in Managed Pipeline mode',
  '500.24': 'An ASP.NET impersonation configuration does not apply in Managed Pipeline mode',
  '500.50': 'A rewrite error occurred during RQ_BEGIN_REQUEST notification handling',
  '500.51': 'A rewrite error occurred during GL_PRE_BEGIN_REQUEST notification handling',
  '500.52': 'A rewrite error occurred during RQ_SEND_RESPONSE notification handling',
  '500.53': 'A rewrite error occurred during RQ_RELEASE_REQUEST_STATE notification handling',
  '500.100': 'Internal ASP error',
  '502.1': 'CGI application timeout',
  '502.2': 'Bad gateway: premature exit',
  '502.3': 'Bad gateway: forwarder connection error (ARR)',
  '502.4': 'Bad gateway: no server (ARR)',
  '503.0': 'Application pool unavailable',
  '503.2': 'Concurrent request limit exceeded',
  '503.3': 'ASP.NET queue full',
  '503.4': 'FastCGI queue full',
};

const HINTS: Record<string, string> = {
  '401.1':
    'The credentials or the authentication token were rejected; sc-win32-status says why (e.g. 2148074254 is the normal NTLM challenge leg, 2148074310 wrong channel bindings, 2148074252 wrong password).',
  '401.2':
    'Normal first leg of Windows authentication: the client sent no Authorization header and IIS answered with the WWW-Authenticate challenge. Only a problem when no second leg follows.',
  '401.3': 'The authenticated user has no NTFS read permission on the file.',
  '403.4': 'The site or folder requires HTTPS.',
  '403.7': 'The site requires a client certificate and none was sent.',
  '500.19': 'web.config or applicationHost.config is invalid or cannot be read (ErrorCode says which).',
  '502.3': 'ARR could not reach the backend or it reset the connection (sc-win32-status / ErrorCode say why).',
  '503.0': 'The application pool is stopped or crashed.',
};

function classOf(status: number): StatusClass {
  if (status >= 100 && status < 200) return 'informational';
  if (status >= 200 && status < 300) return 'success';
  if (status >= 300 && status < 400) return 'redirect';
  if (status >= 400 && status < 500) return 'client-error';
  if (status >= 500 && status < 600) return 'server-error';
  return 'unknown';
}

/** Reason phrase and IIS substatus meaning; status outside 100-599 still gets an entry (class unknown). */
export function describeStatus(status: number, substatus?: number): StatusInfo {
  const hasSub = substatus !== undefined && Number.isInteger(substatus) && substatus >= 0;
  const code = hasSub ? `${status}.${substatus}` : String(status);
  const info: StatusInfo = { status, code, reason: REASONS[status] ?? '', statusClass: classOf(status) };
  if (hasSub) {
    info.substatus = substatus;
    const m = SUB[code] ?? (substatus === 0 ? REASONS[status] : undefined);
    if (m) info.meaning = m;
    const h = HINTS[code];
    if (h) info.hint = h;
  }
  return info;
}

/** "401.1 Unauthorized: Logon failed" */
export function statusLabel(status: number, substatus?: number): string {
  const d = describeStatus(status, substatus);
  let s = d.code;
  if (d.reason) s += ' ' + d.reason;
  if (d.meaning && d.meaning !== d.reason) s += ': ' + d.meaning;
  return s;
}
