import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { listenerBody, siteConfig } from './nginxSite.mjs';

/**
 * A throwaway nginx (Debian's `nginx` package) in front of Accord instances, in a temporary prefix directory with its
 * own configuration, pid file, temp paths and error log, on free loopback ports. It runs the site docs/deploy.md
 * shows (test/setup/nginxSite.mjs): REST by sticky-free round robin, each document's WebSockets to one instance by a
 * hash of their path, WebSocket upgrades, `Host $http_host`, X-Forwarded-For/-Proto, TLS with a self-signed
 * certificate made by `openssl` here, and a plain listener that redirects to TLS. Two listeners are added for tests
 * only:
 *
 * - `url`: plain HTTP with the same proxying, but WebSockets by round robin too, so that the sockets of one document
 *   land on every instance (Node's fetch cannot be given a CA for one server, and most tests do not need TLS);
 * - `hostWithoutPortUrl`: the same, but with `proxy_set_header Host $host`, which drops the port; WebSockets and
 *   writes through it fail the origin check, which is why the documented site passes `$http_host`.
 *
 * Every response says which instance answered it in `X-Accord-Upstream` (nginx's `$upstream_addr`, also on the
 * WebSocket handshake's 101), so tests know where round robin put each request.
 */
export interface TestNginx {
  /** Plain HTTP, proxied as the TLS listener is but for WebSockets, spread by round robin. */
  url: string;
  wsUrl: string;
  /** The documented TLS listener (self-signed certificate for 127.0.0.1; `ca` verifies it). */
  httpsUrl: string;
  wssUrl: string;
  /** The documented plain listener: a redirect to TLS. */
  redirectUrl: string;
  /** Proxied with `Host $host` (the port dropped), to show what goes wrong. */
  hostWithoutPortUrl: string;
  /** The self-signed certificate, PEM. */
  ca: string;
  /** The generated nginx.conf. */
  config: string;
  /** The tail of nginx's error log. */
  errorLog(): string;
  stop(): Promise<void>;
}

export interface StartNginxOptions {
  /** The Accord instances, `host:port`. */
  upstreams: string[];
}

export const NGINX = '/usr/sbin/nginx';
/** The response header naming the instance that answered. */
export const UPSTREAM_HEADER = 'x-accord-upstream';

/** Debian's nginx, installed when missing and root (as test/setup/system-packages.sh does). */
export function requireNginx(): string {
  if (fs.existsSync(NGINX)) return NGINX;
  if (process.getuid?.() === 0) {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
    execFileSync('apt-get', ['install', '-y', '-qq', 'nginx'], {
      stdio: 'ignore',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (fs.existsSync(NGINX)) return NGINX;
  }
  throw new Error(
    'the scale-out tests need nginx: sudo apt-get install -y nginx (or bash test/setup/system-packages.sh)',
  );
}

/** A self-signed certificate for 127.0.0.1 and localhost, valid for a day. */
function makeCertificate(dir: string): { certificate: string; key: string } {
  const certificate = path.join(dir, 'tls.crt');
  const key = path.join(dir, 'tls.key');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      key,
      '-out',
      certificate,
    ],
    { stdio: 'ignore', timeout: 30_000 },
  );
  return { certificate, key };
}

export async function startNginx(options: StartNginxOptions): Promise<TestNginx> {
  const binary = requireNginx();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-nginx-'));
  const { certificate, key } = makeCertificate(dir);
  const errorLogFile = path.join(dir, 'error.log');
  const errorLog = () => (fs.existsSync(errorLogFile) ? fs.readFileSync(errorLogFile, 'utf8').slice(-4000) : '');
  let child: ChildProcess | null = null;
  const removeAll = () => {
    child?.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', removeAll);

  for (let attempt = 1; ; attempt++) {
    const [tls, redirect, plain, hostWithoutPort] = await freePorts(4);
    const site = siteConfig({
      upstreams: options.upstreams,
      listen: `127.0.0.1:${tls}`,
      redirectListen: `127.0.0.1:${redirect}`,
      serverName: '127.0.0.1 localhost',
      certificate,
      certificateKey: key,
    });
    const config = mainConfig(dir, site, plain!, hostWithoutPort!);
    const configFile = path.join(dir, 'nginx.conf');
    fs.writeFileSync(configFile, config);
    fs.rmSync(errorLogFile, { force: true });
    const started = spawn(
      binary,
      ['-p', dir, '-c', configFile, '-e', errorLogFile, '-g', `daemon off; pid ${path.join(dir, 'nginx.pid')};`],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    started.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<never>((_resolve, reject) =>
      started.once('exit', (code) => reject(new Error(`nginx exited with ${code}: ${stderr}${errorLog()}`))),
    );
    exited.catch(() => {});
    child = started;
    try {
      await Promise.race([accepting([tls!, redirect!, plain!, hostWithoutPort!]), exited]);
    } catch (error) {
      started.kill('SIGKILL');
      // A port taken between the probe and nginx's bind: try other ports.
      if (attempt < 3 && /Address already in use/.test(String(error))) continue;
      removeAll();
      process.removeListener('exit', removeAll);
      throw error;
    }
    const running = started;
    return {
      url: `http://127.0.0.1:${plain}`,
      wsUrl: `ws://127.0.0.1:${plain}/ws`,
      httpsUrl: `https://127.0.0.1:${tls}`,
      wssUrl: `wss://127.0.0.1:${tls}/ws`,
      redirectUrl: `http://127.0.0.1:${redirect}`,
      hostWithoutPortUrl: `http://127.0.0.1:${hostWithoutPort}`,
      ca: fs.readFileSync(certificate, 'utf8'),
      config,
      errorLog,
      stop: async () => {
        if (running.exitCode === null && running.signalCode === null) {
          const gone = new Promise<void>((resolve) => running.once('exit', () => resolve()));
          running.kill('SIGTERM');
          await gone;
        }
        removeAll();
        process.removeListener('exit', removeAll);
      },
    };
  }
}

/** The whole nginx.conf of the test: process settings in the temporary directory, the documented site, and the two test listeners. */
function mainConfig(dir: string, site: string, plain: number, hostWithoutPort: number): string {
  const at = (name: string) => path.join(dir, name);
  return `# Generated by test/setup/nginx.ts.
${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes 1;
events {
    worker_connections 4096;
}
http {
    access_log off;
    client_body_temp_path ${at('client_body')};
    proxy_temp_path ${at('proxy')};
    fastcgi_temp_path ${at('fastcgi')};
    uwsgi_temp_path ${at('uwsgi')};
    scgi_temp_path ${at('scgi')};
    # Test diagnostics: which instance answered (inherited by every location below, the 101 of a WebSocket too).
    add_header X-Accord-Upstream $upstream_addr always;

${indent(site, '    ')}
    # Test only: the same proxying over plain HTTP, WebSockets by round robin too (every socket of one document
    # spread over the instances: the instances need no routing).
    server {
        listen 127.0.0.1:${plain};
${listenerBody('        ', { byDocument: false })}
    }

    # Test only: the Host without its port ($host), which the origin check refuses.
    server {
        listen 127.0.0.1:${hostWithoutPort};
${listenerBody('        ', { byDocument: false }).replace('Host $http_host', 'Host $host')}
    }
}
`;
}

const indent = (text: string, prefix: string) =>
  text
    .split('\n')
    .map((line) => (line === '' ? line : prefix + line))
    .join('\n');

/** `count` distinct ports the kernel just handed out (held together, so they differ). */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  return ports;
}

/** Resolves once every port accepts connections (bounded). */
async function accepting(ports: number[], timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const port of ports) {
    for (;;) {
      if (await connects(port)) break;
      if (Date.now() > deadline) throw new Error(`nginx did not listen on ${port}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
