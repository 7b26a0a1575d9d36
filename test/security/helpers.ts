import net from 'node:net';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';

/**
 * Sends bytes exactly as given (no client library would send a malformed request target or cookie) and answers
 * the status line's code and everything the server sent before it closed the connection.
 */
export function rawRequest(baseUrl: string, request: string): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(request));
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('error', reject);
    // A server that never answers (an upgrade handler that threw) shows as status 0, not as a hung test.
    socket.setTimeout(5000, () => socket.destroy());
    socket.on('close', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text }));
  });
}

/** A WebSocket upgrade request for `path`, written by hand. */
export function upgradeRequest(path: string, headers: Record<string, string> = {}): string {
  const lines = [
    `GET ${path} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Connection: Upgrade',
    'Upgrade: websocket',
    'Sec-WebSocket-Version: 13',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** A raw sync socket on one document: the frames it got, and promises of its opening and its close. */
export interface DocSocket {
  ws: WebSocket;
  opened: Promise<void>;
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves once the server has answered our sync step 1 (the document is loaded and we are attached). */
  synced: Promise<void>;
  /** Sends a Yjs update appending `text` to a memo document's text (what a member's editor would send). */
  write(text: string): void;
}

export function openDoc(wsUrl: string, docName: string, cookie: string, origin: string): DocSocket {
  const ws = new WebSocket(`${wsUrl}/${docName}`, { headers: { cookie, origin } });
  ws.on('error', () => {});
  const doc = new Y.Doc();
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused with ${res.statusCode}`)));
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  const synced = new Promise<void>((resolve) => {
    ws.on('message', (data: Buffer) => {
      // Sync step 2 (type 0, sub-type 1) answers our step 1.
      if (data[0] === 0 && data[1] === 1) resolve();
    });
  });
  void opened.then(
    () => {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, 0);
      syncProtocol.writeSyncStep1(encoder, doc);
      ws.send(encoding.toUint8Array(encoder));
    },
    () => {},
  );
  return {
    ws,
    opened,
    closed,
    synced,
    write: (text) => {
      const before = Y.encodeStateVector(doc);
      const memo = doc.getText('memo');
      memo.insert(memo.length, text);
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, 0);
      syncProtocol.writeUpdate(encoder, Y.encodeStateAsUpdate(doc, before));
      if (ws.readyState === WebSocket.OPEN) ws.send(encoding.toUint8Array(encoder));
    },
  };
}
