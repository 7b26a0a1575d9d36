import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { seedProject, startTestServer, type TestServer } from '../helpers/server.js';

let test: TestServer;
let seeded: Awaited<ReturnType<typeof seedProject>>;
beforeAll(async () => {
  test = await startTestServer();
  seeded = await seedProject(test);
});
afterAll(async () => {
  await test.close();
});

/** Tries an upgrade; resolves with the HTTP status of a refusal, or 101 and the first frame on success. */
function tryUpgrade(path: string, headers: Record<string, string>): Promise<{ status: number; frames: number }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`${test.wsUrl}/${path}`, { headers });
    let frames = 0;
    socket.on('open', () => {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, 0);
      syncProtocol.writeSyncStep1(encoder, new Y.Doc());
      socket.send(encoding.toUint8Array(encoder));
    });
    socket.on('unexpected-response', (_req, res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, frames });
    });
    socket.on('message', () => {
      frames++;
      socket.close();
      resolve({ status: 101, frames });
    });
    socket.on('error', () => {});
  });
}

describe('the WebSocket upgrade', () => {
  const textDoc = () => `p/${seeded.project.id}/t/${seeded.transcript.id}/text`;

  it('refuses an unauthenticated upgrade before any Yjs data', async () => {
    expect(await tryUpgrade(textDoc(), {})).toEqual({ status: 401, frames: 0 });
    expect(await tryUpgrade(textDoc(), { cookie: 'accord_session=forged' })).toEqual({ status: 401, frames: 0 });
  });

  it('refuses a foreign Origin', async () => {
    const result = await tryUpgrade(textDoc(), { cookie: seeded.coder.client.cookie!, origin: 'https://evil.example' });
    expect(result).toEqual({ status: 403, frames: 0 });
  });

  it('answers a forbidden, a missing and a malformed doc with the same 404', async () => {
    await test.addUser('outsider-ws@example.org', 'Outsider');
    const outsider = await test.login('outsider-ws@example.org');
    const headers = { cookie: outsider.cookie!, origin: test.url };
    expect(await tryUpgrade(textDoc(), headers)).toEqual({ status: 404, frames: 0 });
    expect(await tryUpgrade(`p/${seeded.project.id}/t/nosuchtranscript/text`, headers)).toEqual({
      status: 404,
      frames: 0,
    });
    expect(await tryUpgrade('p/../../etc/passwd', headers)).toEqual({ status: 404, frames: 0 });
    const coderHeaders = { cookie: seeded.coder.client.cookie!, origin: test.url };
    expect(await tryUpgrade(`p/${seeded.project.id}/t/${seeded.transcript.id}/c/madeupcoder`, coderHeaders)).toEqual({
      status: 404,
      frames: 0,
    });
  });

  it('lets a member in and starts the sync', async () => {
    const result = await tryUpgrade(textDoc(), { cookie: seeded.viewer.client.cookie!, origin: test.url });
    expect(result.status).toBe(101);
    expect(result.frames).toBeGreaterThan(0);
  });
});
