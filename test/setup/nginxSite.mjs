// The nginx site configuration for Accord behind a proxy: the exact text docs/deploy.md shows, generated here so
// that the scale-out tests (test/setup/nginx.ts) and `pnpm bench scale-out` run the documented configuration, and
// test/scaleout/cluster.test.ts checks that the documentation still shows what they run. Plain JavaScript so that
// the benchmark (which has no TypeScript loader) can import it too.

/**
 * @typedef {object} SiteOptions
 * @property {string[]} upstreams Every Accord instance, `host:port`.
 * @property {string} listen The TLS listener (`443`, `127.0.0.1:8443`).
 * @property {string} redirectListen The plain-HTTP listener that only redirects to TLS (`80`).
 * @property {string} serverName
 * @property {string} certificate Path of the certificate (chain) in PEM.
 * @property {string} certificateKey Path of its private key in PEM.
 */

/**
 * The proxying every listener in front of Accord uses (server context, inherited by its locations): REST and
 * WebSockets, sticky-free.
 * @param {string} indent
 */
function proxyDirectives(indent = '    ') {
  return [
    "# WebSockets (/ws/...): HTTP/1.1 to the instance, with the client's Upgrade and Connection headers.",
    'proxy_http_version 1.1;',
    'proxy_set_header Upgrade $http_upgrade;',
    'proxy_set_header Connection $connection_upgrade;',
    '# The Host exactly as the browser sent it, port included: Accord compares it with the Origin.',
    'proxy_set_header Host $http_host;',
    "# The client's address and scheme, read by Accord with --trust-proxy set to this proxy's address.",
    'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    'proxy_set_header X-Forwarded-Proto $scheme;',
    '# Uploads (imports, recordings) stream through; Accord enforces its own size limits.',
    'client_max_body_size 0;',
    'proxy_request_buffering off;',
    "# Longer than Accord's 30 s WebSocket ping, so idle sockets stay open.",
    'proxy_read_timeout 120s;',
    'proxy_send_timeout 120s;',
    '# An instance that refuses or does not answer is skipped: the request goes to the next one.',
    'proxy_connect_timeout 2s;',
    'proxy_next_upstream error timeout;',
  ]
    .map((line) => `${indent}${line}`)
    .join('\n');
}

/**
 * The locations (server context): REST to every instance by round robin, and each document's WebSockets to one
 * instance (`byDocument`, as docs/deploy.md shows) or, without it, by round robin too (a test-only listener: the
 * instances need no routing at all).
 * @param {string} indent
 * @param {{ byDocument: boolean }} options
 */
function locations(indent = '    ', { byDocument }) {
  return [
    `${indent}location / {`,
    `${indent}    proxy_pass http://accord;`,
    `${indent}}`,
    ...(byDocument
      ? [
          '',
          "# Each document's WebSockets (/ws/<document>) to one instance: accord_documents, above.",
          'location /ws/ {',
          '    proxy_pass http://accord_documents;',
          '}',
        ].map((line) => (line === '' ? '' : `${indent}${line}`))
      : []),
  ].join('\n');
}

/**
 * The upstream and the connection-header map (http context), shared by every listener.
 * @param {string[]} upstreams
 */
function upstreamBlock(upstreams) {
  return [
    '# Every instance, for the REST API and the web client: plain round robin, no stickiness.',
    'upstream accord {',
    ...upstreams.map((address) => `    server ${address} max_fails=1 fail_timeout=5s;`),
    '    keepalive 16;',
    '}',
    '',
    '# "Connection: upgrade" for WebSocket handshakes, nothing otherwise (keeps upstream connections alive).',
    'map $http_upgrade $connection_upgrade {',
    '    default upgrade;',
    "    ''      '';",
    '}',
  ].join('\n');
}

/**
 * The WebSockets' upstream (http context, beside `upstream accord`): the same instances, every socket of a document
 * sent to one of them by a consistent hash of its path (`/ws/<document>`).
 * @param {string[]} upstreams
 */
function documentUpstreamBlock(upstreams) {
  return [
    "# The same instances; each document's WebSockets to one of them, chosen by a hash of the path (/ws/<document>).",
    '# Not stickiness: no client or session is pinned, and nothing depends on it (an instance that is down is skipped).',
    'upstream accord_documents {',
    '    hash $uri consistent;',
    ...upstreams.map((address) => `    server ${address} max_fails=1 fail_timeout=5s;`),
    '}',
  ].join('\n');
}

/**
 * Both upstreams (http context): `accord` (round robin) and `accord_documents` (by document).
 * @param {string[]} upstreams
 */
export function upstreamBlocks(upstreams) {
  return `${upstreamBlock(upstreams)}\n\n${documentUpstreamBlock(upstreams)}`;
}

/**
 * A listener's proxying and locations (server context), the same for every listener but for `byDocument`.
 * @param {string} indent
 * @param {{ byDocument: boolean }} options
 */
export function listenerBody(indent, options) {
  return `${proxyDirectives(indent)}\n\n${locations(indent, options)}`;
}

/**
 * The whole site, as docs/deploy.md shows it: the upstreams, a TLS listener (REST by round robin, each document's
 * WebSockets to one instance), and a plain listener that redirects.
 * @param {SiteOptions} options
 */
export function siteConfig(options) {
  return [
    upstreamBlocks(options.upstreams),
    '',
    'server {',
    `    listen ${options.listen} ssl;`,
    `    server_name ${options.serverName};`,
    `    ssl_certificate ${options.certificate};`,
    `    ssl_certificate_key ${options.certificateKey};`,
    '    ssl_protocols TLSv1.2 TLSv1.3;',
    '',
    listenerBody('    ', { byDocument: true }),
    '}',
    '',
    'server {',
    `    listen ${options.redirectListen};`,
    `    server_name ${options.serverName};`,
    '    return 301 https://$host$request_uri;',
    '}',
    '',
  ].join('\n');
}

/** The values docs/deploy.md shows the site with. */
export const DOCUMENTED_SITE = {
  upstreams: ['10.0.0.11:8080', '10.0.0.12:8080'],
  listen: '443',
  redirectListen: '80',
  serverName: 'accord.example.org',
  certificate: '/etc/nginx/tls/accord.example.org.crt',
  certificateKey: '/etc/nginx/tls/accord.example.org.key',
};
