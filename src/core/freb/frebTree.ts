// The event tree of a trace: X_START ... X_END pairs (GENERAL_REQUEST_START/END,
// NOTIFY_MODULE_START/END, AUTH_START/AUTH_END, ...) enclose the events between them, as freb.xsl
// indents them. Used by the Outline and by the report's timeline (durations of the pairs).
import { dataValue, type FrebEvent } from './frebTrace';

export interface FrebNode {
  event: FrebEvent;
  /** The closing *_END event of a pair, or null for a single event or an unclosed start. */
  end: FrebEvent | null;
  children: FrebNode[];
  /** end.time - event.time in ms, when both are known. */
  durationMs: number | null;
}

function pairKey(name: string): { key: string; start: boolean } | null {
  const m = /^(.*)_(START|END)$/.exec(name);
  if (!m) return null;
  return { key: m[1], start: m[2] === 'START' };
}

export function buildEventTree(events: FrebEvent[]): FrebNode[] {
  const roots: FrebNode[] = [];
  const stack: Array<{ node: FrebNode; key: string }> = [];
  const add = (n: FrebNode): void => {
    (stack.length ? stack[stack.length - 1].node.children : roots).push(n);
  };
  for (const ev of events) {
    const p = pairKey(ev.name);
    if (p && !p.start) {
      const k = findFrame(stack, p.key);
      if (k >= 0) {
        const frame = stack[k];
        stack.length = k;
        frame.node.end = ev;
        const a = frame.node.event.timeMs;
        frame.node.durationMs = a !== null && ev.timeMs !== null ? ev.timeMs - a : null;
        continue;
      }
    }
    const node: FrebNode = { event: ev, end: null, children: [], durationMs: null };
    add(node);
    if (p && p.start) stack.push({ node, key: p.key });
  }
  return roots;
}

function findFrame(stack: Array<{ key: string }>, key: string): number {
  for (let k = stack.length - 1; k >= 0; k--) if (stack[k].key === key) return k;
  return -1;
}

/** A short label for an event: its name plus the data that tells one instance from another. */
export function eventLabel(ev: FrebEvent): string {
  const extra: string[] = [];
  const mod = dataValue(ev, 'ModuleName');
  if (mod) extra.push(mod);
  const notif = ev.descriptions.Notification;
  if (notif) extra.push(notif);
  switch (ev.name) {
    case 'GENERAL_REQUEST_START': {
      const u = dataValue(ev, 'RequestURL');
      const v = dataValue(ev, 'RequestVerb');
      if (u) extra.push(`${v ?? ''} ${u}`.trim());
      break;
    }
    case 'GENERAL_REQUEST_END':
    case 'MODULE_SET_RESPONSE_ERROR_STATUS': {
      const s = dataValue(ev, 'HttpStatus');
      const sub = dataValue(ev, 'HttpSubStatus');
      if (s) extra.push(sub && sub !== '0' ? `${s}.${sub}` : s);
      const d = ev.descriptions.ErrorCode;
      if (d && ev.name === 'MODULE_SET_RESPONSE_ERROR_STATUS') extra.push(d);
      break;
    }
    case 'AUTH_START':
      if (ev.descriptions.AuthTypeSupported) extra.push(ev.descriptions.AuthTypeSupported);
      break;
    case 'AUTH_REQUEST_AUTH_TYPE':
      if (ev.descriptions.RequestAuthType) extra.push(ev.descriptions.RequestAuthType);
      break;
    case 'AUTH_SUCCEEDED': {
      const u = dataValue(ev, 'RemoteUserName');
      if (u) extra.push(u);
      break;
    }
    case 'GENERAL_SET_RESPONSE_HEADER':
    case 'GENERAL_SET_REQUEST_HEADER': {
      const h = dataValue(ev, 'HeaderName');
      if (h) extra.push(h);
      break;
    }
    case 'HANDLER_CHANGED': {
      const h = dataValue(ev, 'NewHandlerName');
      if (h) extra.push(h);
      break;
    }
  }
  return extra.length ? `${ev.name} ${extra.join(' · ')}` : ev.name;
}
