// HTTP.sys error log (HTTPERR) reason phrases (s-reason), as documented in "Error logging in
// HTTP APIs" (Microsoft Learn), for hovers on HTTPERR logs.

const REASONS: Record<string, string> = {
  AppOffline: 'A 503: application errors caused the application to be taken offline.',
  AppPoolTimer: 'The application pool process is too busy to handle the request.',
  AppShutdown: 'The application shut down automatically in response to administrator policy.',
  BadRequest: 'A parse error occurred while processing the request.',
  Client_Reset: 'The client closed the connection before the request was assigned to a worker process.',
  Connection_Abandoned_By_AppPool: 'A worker process of the application pool quit unexpectedly or orphaned a pending request.',
  Connection_Abandoned_By_ReqQueue: 'A worker process of the application pool quit unexpectedly or orphaned a pending request by closing its queue handle.',
  Connection_Dropped: 'The connection was closed before the server could send its final response packet.',
  Connection_Dropped_List_Full: 'The list of dropped connections between clients and the server is full.',
  ConnLimit: 'A 503: the site reached its connection limit.',
  Connections_Refused: 'Kernel non-paged pool memory dropped below 20 MB and HTTP.sys stopped accepting new connections.',
  Disabled: 'A 503: an administrator disabled the application.',
  EntityTooLarge: 'The request entity exceeded the maximum permitted size.',
  FieldLength:
    'A field length limit was exceeded (e.g. a long Authorization header: Kerberos tokens of users in many groups; see MaxFieldLength/MaxRequestBytes).',
  Forbidden: 'A forbidden element or sequence was found while parsing.',
  Header: 'A parse error occurred in a header.',
  Hostname: 'A parse error occurred while processing the host name.',
  Internal: 'An internal server error (500).',
  'Invalid_CR/LF': 'An illegal carriage return or line feed occurred.',
  LengthRequired: 'A required length value was missing.',
  'N/A': 'A 503 because of an internal error (e.g. a memory allocation failure or a reservation list conflict).',
  'N/I': 'A 501 not implemented, or a 503 because of an unknown transfer encoding.',
  Number: 'A parse error occurred while processing a number.',
  Precondition: 'A required precondition was missing.',
  QueueFull: 'A 503: the application request queue is full.',
  RequestLength: 'A request length limit was exceeded.',
  Timer_AppPool: 'The request waited too long in the application pool queue for the worker process to take it.',
  Timer_ConnectionIdle: 'The connection expired while idle (ConnectionTimeout, 2 minutes by default).',
  Timer_EntityBody: 'The connection expired before the request body arrived.',
  Timer_HeaderWait: 'The connection expired because parsing the request headers took longer than the limit (2 minutes by default).',
  Timer_MinBytesPerSecond: 'The connection expired because the client received the response too slowly (below MinBytesPerSecond, 240 bytes/s by default).',
  Timer_ReqQueue: 'The request waited too long in the application pool queue for the worker process to take it.',
  Timer_Response: 'Reserved; not used.',
  Timer_SslRenegotiation: 'The connection expired because TLS renegotiation between client and server took too long.',
  URL: 'A parse error occurred while processing the URL.',
  URL_Length: 'The URL exceeded the maximum permitted length.',
  Verb: 'A parse error occurred while processing the verb.',
  'Version_N/S': 'A 505: the HTTP version is not supported.',
};

/** What HTTP.sys means by an s-reason value, or undefined. */
export function describeHttpErrReason(reason: string): string | undefined {
  return REASONS[reason];
}
