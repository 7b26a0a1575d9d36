/**
 * The Node.js flags `accord serve` runs with (the `accord` command's shebang, `pnpm start`, docs/deploy.md's unit,
 * and the benchmarks that spawn a server all pass them; V8 reads them only at start).
 *
 * `--max-semi-space-size=64` (MiB; Node's own documentation suggests this size for throughput): every chunk of a
 * request body (a recording upload streams 1 GB in 64 KiB reads) is an ArrayBuffer outside V8's heap. With the
 * default young generation those buffers outpace its scavenges, and their external memory triggers a full
 * mark-compact every ~30 MB received: 35-55 pauses of 6-10 ms per GB, which every coder's sync traffic waits
 * behind. With 64 MiB semi-spaces the scavenges reclaim them first: no full collection during a 1 GB upload, and
 * other users' sync p95 stays within the target (`pnpm bench import-export --only media`; docs/media.md).
 */
export const SERVE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];
