// `pnpm bench scale-out [--quick]`: the session workload of bench/sync (25 transcripts x 4 coders) and a throughput
// ceiling, in ONE run, side by side on five deployments of the real `accord serve`, all started at once:
//   embedded      one instance, lowdb + the file engine (--data)
//   pg+redis      one instance, --postgres URL --redis URL
//   pg+redis      the same, reached through nginx (the site of docs/deploy.md), as a single instance with TLS is
//   + nginx       deployed: the cross-instance latency target's baseline, differing from the next by the second instance
//   2 x nginx     two instances on the same PostgreSQL and Redis, nginx in front, every client through nginx, the
//   round robin   WebSockets by round robin too (the worst case for the relay: every document held by both), the
//                 sockets opened in a shuffled order, so that writers, readers and text docs land alike on both
//   2 x nginx     the same behind the documented site, which sends each document's WebSockets to one instance
//   by document
// After an unmeasured warm-up round each, the session runs ROUNDS times per deployment, interleaved (so that the machine's load drifts over all of them
// alike), and latencies are pooled over the rounds, as `bench sync` does: one round's p99 rests on a few dozen
// samples. Prints p50/p99 delivery (and, behind nginx, cross-instance deliveries alone), CPU per update of the Accord
// processes (and of PostgreSQL, Redis and nginx beside them), the throughput ceiling, each figure against its
// target, and a projection of the instances a 2,000-coder deployment needs.
import os from 'node:os';
import * as Y from 'yjs';
import { seededRandom } from '../../shared/dist/agreement/bootstrap.js';
import { Deliveries, fullClient, lightClient, now, percentile } from './clients.mjs';
import { seed, startAccord, startNginx, startPostgres, startRedis } from './cluster.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const SESSION_MS = quick ? 8_000 : 20_000;
/** Session rounds per deployment, interleaved across the deployments; latencies pooled over them. */
const ROUNDS = quick ? 2 : 3;
const STEP_MS = quick ? 2_000 : 3_000;
const CEILING_RATES = quick ? [250, 1000, 4000] : [250, 500, 1000, 2000, 4000, 8000];
const TRANSCRIPTS = 25;
const CODERS = 4;
/** The session workload's rates (bench/sync/run.mjs, `session`): a coding every 2 s, a cursor move every second. */
const WRITE_PERIOD_MS = 2000;
const CURSOR_PERIOD_MS = 1000;
/** The unmeasured warm-up round each deployment runs first. */
const WARM_UP_MS = quick ? 2_000 : 5_000;
/** How long CPU is still measured after a session's last write (see `session`). */
const SETTLE_MS = 2_000;
/** How long the instances' idle CPU is measured before the session connects. */
const IDLE_MS = quick ? 2_000 : 4_000;

process.setMaxListeners(0);
// Every instance answers /api/health with its details (the relay's counters among them) to this token.
const METRICS_TOKEN = `bench-${process.pid}-${Date.now()}`;
process.env.ACCORD_METRICS_TOKEN = METRICS_TOKEN;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const ms = (value) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : 'n/a');

/** A coding as the web client writes it (code id, two encoded relative positions, a time), as bench/sync writes. */
const anchors = (() => {
  const doc = new Y.Doc();
  const text = doc.getText('text');
  text.insert(0, 'Interviewer: How was treatment? P1: Hard at first, then a nurse listened.');
  const at = (index, assoc) => Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, index, assoc));
  return { start: at(37, 0), end: at(50, -1) };
})();
const codingValue = (i) => ({ code: `code${i % 30}`, ...anchors, createdAt: Date.now() });

function every(periodMs, index, count, fn) {
  const handle = { timer: null };
  handle.timer = setTimeout(
    () => {
      fn();
      handle.timer = setInterval(fn, periodMs);
    },
    Math.floor((index / count) * periodMs),
  );
  return handle;
}
const stopAll = (handles) => {
  for (const handle of handles) {
    clearTimeout(handle.timer);
    clearInterval(handle.timer);
  }
};

/** CPU (ms) of every server-side process of a deployment, by role. */
function cpuOf(deployment) {
  return {
    accord: deployment.instances.reduce((sum, instance) => sum + instance.cpuMs(), 0),
    postgres: deployment.postgres?.cpuMs() ?? 0,
    redis: deployment.redis?.cpuMs() ?? 0,
    nginx: deployment.nginx?.cpuMs() ?? 0,
  };
}
const cpuSince = (deployment, before) => {
  const after = cpuOf(deployment);
  return Object.fromEntries(Object.keys(after).map((key) => [key, after[key] - before[key]]));
};

/**
 * bench/sync's session workload against a real server: each of 25 transcripts x 4 coders has the text doc (full
 * provider, cursor at 1 Hz), its own codings doc (full provider, a coding every 2 s), and the other three coders'
 * codings docs (light receivers, every tenth a full provider): 500 sockets, 50 updates/s. With `measureIdle`, first
 * measures what the instances cost with nobody connected (timers, sweeps, the Redis connections) and their memory.
 */
async function session(deployment, { measureIdle, sessionMs = SESSION_MS, seedOfRound }) {
  const { target, seeded } = deployment;
  let idle = null;
  if (measureIdle) {
    const rssIdle = deployment.instances.reduce((sum, instance) => sum + instance.rssBytes(), 0);
    const idleBefore = cpuOf(deployment);
    const idleStart = now();
    await sleep(IDLE_MS);
    idle = { cpu: cpuSince(deployment, idleBefore), seconds: (now() - idleStart) / 1000, rss: rssIdle };
  }
  const deliveries = new Deliveries();
  const clients = [];
  // Every socket is opened in a shuffled order: nginx's round robin follows the order connections arrive, and opened
  // group by group (a coder's text doc, then the four layers) every writer would land on one instance and every text
  // doc on the other, which no real team's browsers do. The same seed per round for every deployment.
  const opens = [];
  /** Per coder and transcript: the socket of the coder's own layer (the writer) and of the transcript's text. */
  const writers = [];
  let reader = 0;
  for (let t = 0; t < TRANSCRIPTS; t++) {
    for (let coder = 0; coder < CODERS; coder++) {
      const cookie = seeded.coders[coder].cookie;
      const group = { client: null, text: null };
      writers.push(group);
      opens.push(() => {
        group.text = fullClient(target, seeded.text(t), cookie);
        clients.push(group.text);
      });
      for (let other = 0; other < CODERS; other++) {
        const room = seeded.layer(t, other);
        if (other === coder) {
          opens.push(() => {
            group.client = fullClient(target, room, cookie);
            deliveries.trackWriter(group.client);
            clients.push(group.client);
          });
        } else {
          const full = reader++ % 10 === 0;
          opens.push(() =>
            clients.push(
              full ? fullClient(target, room, cookie, deliveries) : lightClient(target, room, cookie, deliveries),
            ),
          );
        }
      }
    }
  }
  const random = seededRandom(seedOfRound);
  for (let i = opens.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [opens[i], opens[j]] = [opens[j], opens[i]];
  }
  for (const open of opens) open();
  await Promise.all(clients.map((client) => client.synced));
  let n = 0;
  let writes = 0;
  const timers = writers.flatMap(({ client, text }, i) => [
    every(WRITE_PERIOD_MS, i, writers.length, () => {
      n++;
      writes++;
      deliveries.write(() => client.doc.getMap('codings').set(`k${i}-${n}`, codingValue(n)));
    }),
    every(CURSOR_PERIOD_MS, i, writers.length, () =>
      text.awareness.setLocalStateField('cursor', { anchor: n, head: n + 5 }),
    ),
  ]);
  await sleep(3000);
  const cpuBefore = cpuOf(deployment);
  const writesBefore = writes;
  deliveries.reset();
  const t0 = now();
  await sleep(sessionMs);
  const summary = deliveries.summary();
  const updates = writes - writesBefore;
  stopAll(timers);
  // The CPU the session's updates cost includes what they set off afterwards (the last batches written, durable
  // confirmations, the collections of their garbage): measured until SETTLE_MS after the last write, sockets open.
  // With the deployments interleaved, work left over would otherwise run during another deployment's round, counted
  // nowhere.
  await sleep(SETTLE_MS);
  const cpu = cpuSince(deployment, cpuBefore);
  const seconds = (now() - t0) / 1000;
  const rss = deployment.instances.reduce((sum, instance) => sum + instance.rssBytes(), 0);
  const spread = perInstance(clients);
  const writersSpread = perInstance(writers.map(({ client }) => client));
  for (const client of clients) client.destroy();
  return { summary, cpu, seconds, updates, rss, idle, sockets: clients.length, spread, writersSpread };
}

/** How many of `sockets` landed on each instance. */
function perInstance(sockets) {
  const counts = new Map();
  for (const socket of sockets) counts.set(socket.instance(), (counts.get(socket.instance()) ?? 0) + 1);
  return counts;
}

/** The rounds of one deployment's session, pooled: latencies over every round's samples, CPU and updates summed. */
function pooled(rounds) {
  const figures = (samples) => ({
    n: samples.length,
    p50: percentile(samples, 0.5),
    p99: percentile(samples, 0.99),
  });
  const all = rounds.flatMap((round) => round.summary.samples);
  const cross = rounds.flatMap((round) => round.summary.crossSamples);
  const same = rounds.flatMap((round) => round.summary.sameSamples);
  const sum = (key) => rounds.reduce((total, round) => total + round[key], 0);
  const cpu = {};
  for (const round of rounds) for (const [role, ms] of Object.entries(round.cpu)) cpu[role] = (cpu[role] ?? 0) + ms;
  const { idle } = rounds[0];
  const seconds = sum('seconds');
  const updates = sum('updates');
  // Per role: CPU ms per second with nobody connected, and the session's CPU per update net of that.
  const idlePerSecond = Object.fromEntries(Object.entries(idle.cpu).map(([role, ms]) => [role, ms / idle.seconds]));
  const netPerUpdate = Object.fromEntries(
    Object.entries(cpu).map(([role, ms]) => [role, Math.max(0, ms - idlePerSecond[role] * seconds) / updates]),
  );
  return {
    ...figures(all),
    cross: figures(cross),
    same: figures(same),
    roundP99: rounds.map((round) => round.summary.p99),
    roundCrossP99: rounds.map((round) => round.summary.cross.p99),
    roundCpuPerUpdate: rounds.map((round) => round.cpu.accord / round.updates),
    cpu,
    idlePerSecond,
    netPerUpdate,
    seconds,
    updates,
    sockets: rounds[0].sockets,
    rss: rounds.at(-1).rss,
    rssIdle: idle.rss,
    spread: rounds.at(-1).spread,
    writersSpread: rounds.at(-1).writersSpread,
  };
}

/**
 * Throughput ceiling: 100 codings docs (each coder's layer of each transcript), each with its coder as a full-provider
 * writer and another coder as a light reader; the aggregate write rate steps up until p99 > 100 ms or fewer than
 * 90 % of the writes are delivered (writes owed computed from elapsed time). A failed step is run once more.
 */
async function ceiling(deployment) {
  const { target, seeded } = deployment;
  const deliveries = new Deliveries();
  const pairs = [];
  for (let t = 0; t < TRANSCRIPTS; t++) {
    for (let coder = 0; coder < CODERS; coder++) {
      const room = seeded.layer(t, coder);
      const writer = fullClient(target, room, seeded.coders[coder].cookie);
      deliveries.trackWriter(writer);
      const reader = lightClient(target, room, seeded.coders[(coder + 1) % CODERS].cookie, deliveries);
      pairs.push({ writer, reader });
    }
  }
  await Promise.all(pairs.flatMap((pair) => [pair.writer.synced, pair.reader.synced]));
  let n = 0;
  const step = async (rate) => {
    const t0 = now();
    let issued = 0;
    const tick = setInterval(() => {
      const owed = Math.floor(((now() - t0) / 1000) * rate) - issued;
      for (let i = 0; i < owed; i++, issued++, n++) {
        const { writer } = pairs[n % pairs.length];
        deliveries.write(() => writer.doc.getMap('codings').set(`k${n % 50}`, codingValue(n)));
      }
    }, 10);
    await sleep(1000);
    const cpuBefore = cpuOf(deployment);
    const generatorBefore = process.cpuUsage();
    deliveries.reset();
    const measured = now();
    await sleep(STEP_MS);
    const summary = deliveries.summary();
    const wall = now() - measured;
    const cpu = cpuSince(deployment, cpuBefore);
    const generator = process.cpuUsage(generatorBefore);
    clearInterval(tick);
    await sleep(1000);
    // One delivery per write (one reader per doc).
    const ok = summary.p99 <= 100 && summary.perSec >= rate * 0.9;
    return {
      rate,
      ok,
      p99: summary.p99,
      perSec: summary.perSec,
      accordCpu: cpu.accord / wall,
      generatorCpu: (generator.user + generator.system) / 1000 / wall,
    };
  };
  const steps = [];
  let best = 0;
  await step(CEILING_RATES[0]); // warm-up, not measured
  for (const rate of CEILING_RATES) {
    let result = await step(rate);
    if (!result.ok) result = await step(rate);
    steps.push(result);
    if (!result.ok) break;
    best = rate;
  }
  for (const { writer, reader } of pairs) {
    writer.destroy();
    reader.destroy();
  }
  return { ceiling: best, steps, bounded: steps.at(-1).ok };
}

const DEPLOYMENTS = [
  { key: 'embedded', label: 'embedded (lowdb + file engine), 1 instance', ceiling: true },
  { key: 'pg', label: 'PostgreSQL + Redis, 1 instance', ceiling: true },
  { key: 'pgProxied', label: 'PostgreSQL + Redis, 1 instance behind nginx', ceiling: false },
  { key: 'cluster', label: 'PostgreSQL + Redis, 2 instances behind nginx, WebSockets by round robin', ceiling: true },
  {
    key: 'byDocument',
    label: 'PostgreSQL + Redis, 2 instances behind the documented nginx site (by document)',
    ceiling: true,
  },
];
/** The deployments with two instances behind nginx: round robin, and the by-document variant of docs/deploy.md. */
const twoInstances = (key) => key === 'cluster' || key === 'byDocument';
/** The deployments reached through nginx. */
const behindNginx = (key) => twoInstances(key) || key === 'pgProxied';

async function deploy(key, shared) {
  if (key === 'embedded') {
    const instance = await startAccord();
    const seeded = await seed(instance.url, { transcripts: TRANSCRIPTS, coders: CODERS });
    return {
      instances: [instance],
      seeded,
      target: { wsUrl: `ws://${instance.address}/ws`, origin: instance.url, direct: instance.address },
      stop: () => instance.stop(),
    };
  }
  const database = await shared.postgres.createDatabase();
  const flags = ['--postgres', database, '--redis', shared.redis.url, '--trust-proxy', '127.0.0.1'];
  const first = await startAccord(flags);
  const instances = [first];
  if (twoInstances(key)) instances.push(await startAccord(flags));
  const nginx = behindNginx(key)
    ? await startNginx(
        instances.map((instance) => instance.address),
        { byDocument: key === 'byDocument' },
      )
    : null;
  const base = nginx?.url ?? first.url;
  const seeded = await seed(base, { transcripts: TRANSCRIPTS, coders: CODERS });
  return {
    instances,
    postgres: shared.postgres,
    redis: shared.redis,
    nginx,
    seeded,
    target: nginx
      ? { wsUrl: `${nginx.url.replace('http', 'ws')}/ws`, origin: nginx.url }
      : { wsUrl: `ws://${first.address}/ws`, origin: first.url, direct: first.address },
    stop: async () => {
      await nginx?.stop();
      await Promise.all(instances.map((instance) => instance.stop()));
    },
  };
}

const loadAverage = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

async function main() {
  console.log(
    `# Accord scale-out benchmark (${quick ? 'quick' : 'full'}), node ${process.version}, ${new Date().toISOString()}, ` +
      `${os.cpus().length} CPUs, load average ${loadAverage()}; ${ROUNDS} interleaved session rounds per deployment`,
  );
  const shared = { postgres: await startPostgres(), redis: await startRedis() };
  const deployments = {};
  try {
    // Every deployment up at once, so that the rounds can interleave; the idle ones cost little (printed).
    for (const { key } of DEPLOYMENTS) deployments[key] = await deploy(key, shared);
    // One short round each first, not measured: it compiles the paths a deployment's rounds take (the relay's
    // receiving side runs only with two instances), which would otherwise weigh on its first measured round alone.
    for (const { key } of DEPLOYMENTS)
      await session(deployments[key], { measureIdle: false, sessionMs: WARM_UP_MS, seedOfRound: 1 });
    const rounds = Object.fromEntries(DEPLOYMENTS.map(({ key }) => [key, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const { key } of DEPLOYMENTS) {
        rounds[key].push(await session(deployments[key], { measureIdle: round === 0, seedOfRound: round + 2 }));
      }
    }
    const results = {};
    for (const { key, label, ceiling: withCeiling } of DEPLOYMENTS) {
      const s = pooled(rounds[key]);
      s.relay = await relayCounters(deployments[key]);
      const c = withCeiling ? await ceiling(deployments[key]) : null;
      results[key] = { session: s, ceiling: c, instances: deployments[key].instances.length };
      printDeployment(key, label, s, c);
    }
    report(results);
  } finally {
    for (const deployment of Object.values(deployments)) await deployment.stop();
    shared.postgres.stop();
    await shared.redis.stop();
  }
  process.exit(0);
}

/** The relay's counters of every instance (summed), after the session rounds; null without Redis. */
async function relayCounters(deployment) {
  const sum = {};
  for (const instance of deployment.instances) {
    const response = await fetch(`${instance.url}/api/health`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    const relay = (await response.json()).storage?.relay;
    if (relay === undefined) return null;
    for (const [name, count] of Object.entries(relay)) sum[name] = (sum[name] ?? 0) + count;
  }
  return sum;
}

function printDeployment(key, label, s, c) {
  const perUpdate = (cpuMs) => (cpuMs / s.updates).toFixed(2);
  const rounds = (values, digits = 1) => values.map((value) => value.toFixed(digits)).join(', ');
  console.log(
    `${label}\n` +
      `  session  ${s.sockets} sockets (${[...s.spread].map(([at, count]) => `${count} on ${at}`).join(', ')}; ` +
      `writers ${[...s.writersSpread].map(([at, count]) => `${count} on ${at}`).join(', ')}), ` +
      `${s.updates} updates in ${s.seconds.toFixed(0)} s over ${ROUNDS} rounds\n` +
      `           delivery p50 ${ms(s.p50)}  p99 ${ms(s.p99)}  (n=${s.n}; rounds' p99 ${rounds(s.roundP99)})` +
      (twoInstances(key)
        ? `; cross-instance p50 ${ms(s.cross.p50)} p99 ${ms(s.cross.p99)} (n=${s.cross.n}; rounds' p99 ` +
          `${rounds(s.roundCrossP99)}), same-instance p99 ${ms(s.same.p99)} (n=${s.same.n})`
        : '') +
      `\n           CPU per update: Accord ${perUpdate(s.cpu.accord)} ms (rounds ${rounds(s.roundCpuPerUpdate, 2)})` +
      (key === 'embedded'
        ? ''
        : `, PostgreSQL ${perUpdate(s.cpu.postgres)} ms, Redis ${perUpdate(s.cpu.redis)} ms` +
          (behindNginx(key) ? `, nginx ${perUpdate(s.cpu.nginx)} ms` : '')) +
      ` (Accord at ${((s.cpu.accord / (s.seconds * 1000)) * 100).toFixed(0)} % of one core, ` +
      `${((s.idlePerSecond.accord / 1000) * 100).toFixed(1)} % with nobody connected; net of that ` +
      `${s.netPerUpdate.accord.toFixed(2)} ms per update; RSS ${(s.rss / 2 ** 20).toFixed(0)} MB, ` +
      `${(s.rssIdle / 2 ** 20).toFixed(0)} MB idle)` +
      (s.relay === null
        ? ''
        : `\n           relay (all instances, since start): published ${s.relay.published}, received ${s.relay.received}, ` +
          `applied ${s.relay.applied}, incomplete ${s.relay.incomplete}, catch-ups ${s.relay.catchUps}, ` +
          `durable confirmations ${s.relay.acks}, logged for want of one ${s.relay.persistedUnconfirmed}`) +
      (c === null
        ? ''
        : `\n  ceiling  ${c.ceiling}/s${c.bounded ? ' (every step passed: at least this)' : ''}; steps ` +
          c.steps
            .map(
              (x) =>
                `${x.rate}/s: p99 ${x.p99.toFixed(0)} ms, ${x.perSec.toFixed(0)}/s delivered, Accord CPU ${(x.accordCpu * 100).toFixed(0)} %, generator ${(x.generatorCpu * 100).toFixed(0)} %${x.ok ? '' : ' FAILED'}`,
            )
            .join('; ')),
  );
}

function report(results) {
  const verdict = (ok) => (ok ? 'met' : 'MISSED');
  const embedded = results.embedded.session;
  const pg = results.pg.session;
  const cluster = results.cluster.session;
  const cpuPerUpdate = (s) => s.cpu.accord / s.updates;
  console.log(`# Targets (load average now ${loadAverage()}; ${os.cpus().length} CPUs shared with everything else)`);
  const proxied = results.pgProxied.session;
  // The target's single instance is the PostgreSQL + Redis one behind the same nginx: the deployment that differs
  // from the two instances by the second instance alone, as a single instance serves a team (behind a TLS proxy).
  // The instances reached straight are printed beside it: against them a delivery also skips nginx both ways.
  const crossRatio = cluster.cross.p99 / proxied.p99;
  console.log(
    `cross-instance delivery p99 ${ms(cluster.cross.p99)} (pooled over ${ROUNDS} rounds) against a single instance's p99:\n` +
      `  PostgreSQL+Redis behind the same nginx ${ms(proxied.p99)}: x${crossRatio.toFixed(2)} ` +
      `(target <= x2.00, ${verdict(crossRatio <= 2)}; the same deployment but for the second instance)\n` +
      `  for reference, without nginx's two hops: PostgreSQL+Redis reached straight ${ms(pg.p99)}: ` +
      `x${(cluster.cross.p99 / pg.p99).toFixed(2)}; embedded reached straight ${ms(embedded.p99)}: ` +
      `x${(cluster.cross.p99 / embedded.p99).toFixed(2)}\n` +
      `  for reference, the same deployment's same-instance deliveries ${ms(cluster.same.p99)}: ` +
      `x${(cluster.cross.p99 / cluster.same.p99).toFixed(2)}`,
  );
  const cpuRatio = cpuPerUpdate(pg) / cpuPerUpdate(embedded);
  const withInfra = (s) => (s.cpu.accord + s.cpu.postgres + s.cpu.redis) / s.updates;
  console.log(
    `PostgreSQL path CPU per update (Accord process) ${cpuPerUpdate(pg).toFixed(2)} ms vs file engine ${cpuPerUpdate(embedded).toFixed(2)} ms: ` +
      `x${cpuRatio.toFixed(2)} (target <= x1.50, ${verdict(cpuRatio <= 1.5)}); ` +
      `with PostgreSQL's and Redis's own CPU ${withInfra(pg).toFixed(2)} ms (x${(withInfra(pg) / cpuPerUpdate(embedded)).toFixed(2)}); ` +
      `net of idle instances, Accord ${pg.netPerUpdate.accord.toFixed(2)} vs ${embedded.netPerUpdate.accord.toFixed(2)} ms ` +
      `(x${(pg.netPerUpdate.accord / embedded.netPerUpdate.accord).toFixed(2)})`,
  );
  const ceilingOf = (key) =>
    results[key].ceiling.ceiling === 0 ? `below ${CEILING_RATES[0]}/s` : `${results[key].ceiling.ceiling}/s`;
  console.log(
    `throughput ceiling (p99 <= 100 ms, >= 90 % delivered): embedded ${ceilingOf('embedded')}, PostgreSQL+Redis ` +
      `${ceilingOf('pg')}, 2 instances behind nginx by round robin ${ceilingOf('cluster')}, by document ` +
      `${ceilingOf('byDocument')} (the load generator shares this machine)`,
  );
  const byDocument = results.byDocument.session;
  console.log(
    `routing by document (docs/deploy.md): Accord CPU per update ${cpuPerUpdate(byDocument).toFixed(2)} ms on two ` +
      `instances vs ${cpuPerUpdate(cluster).toFixed(2)} ms with round robin and ${cpuPerUpdate(pg).toFixed(2)} ms on one; ` +
      `${byDocument.cross.n} of ${byDocument.n} deliveries crossed instances (round robin: ${cluster.cross.n} of ${cluster.n}); ` +
      `delivery p99 ${ms(byDocument.p99)} (x${(byDocument.p99 / proxied.p99).toFixed(2)} the single instance behind nginx)`,
  );

  // Projection, from per-update costs net of what idle instances cost. An update is accepted (validated, integrated,
  // relayed, stored) by the instance its writer is on: accept = the single PostgreSQL+Redis instance's cost per
  // update (it publishes nothing, holding every document alone). A document held by further instances costs more:
  // its publication (with its confirmation and their echoes), paid once per update, and its application (and relay
  // to its own peers) by every other instance holding it. One two-instance deployment cannot tell the two apart:
  // there, both are paid for the same 0.88 of the updates. `extra` is their sum (the two instances against one,
  // per shared update). A layer is open by its four coders, each socket put on an instance by round robin: the
  // expected number of instances holding it is N (1 - (1 - 1/N)^4) (1.88 of 2), and it is held by more than one with
  // probability 1 - N (1/N)^4. The projection counts `extra` once for every further copy (as if it were all
  // application): an upper bound; counting it once per shared update (as if it were all publication) gives the
  // lower bound printed beside it.
  const copies = (instances) => instances * (1 - (1 - 1 / instances) ** CODERS);
  const shared = (instances) => 1 - instances * (1 / instances) ** CODERS;
  const accept = pg.netPerUpdate.accord;
  const extra = Math.max(0, cluster.netPerUpdate.accord - accept) / (copies(results.cluster.instances) - 1);
  const idlePerInstance = cluster.idlePerSecond.accord / results.cluster.instances;
  const coders = 2000;
  const updatesPerCoderPerSecond = 1000 / WRITE_PERIOD_MS;
  const headroom = 0.5;
  const socketsPerCoder = 1 + CODERS; // the text doc and the four layers
  const coresAt = (instances, furtherCopies = copies(instances) - 1) =>
    (instances * idlePerInstance + coders * updatesPerCoderPerSecond * (accept + furtherCopies * extra)) / 1000;
  const instancesFor = (cores) => {
    let n = 1;
    while (cores(n) > n * headroom && n < 1000) n++;
    return n;
  };
  const needed = instancesFor((n) => coresAt(n));
  const atLeast = instancesFor((n) => coresAt(n, shared(n)));
  const perUpdate = (role) => (cluster.netPerUpdate[role] * coders * updatesPerCoderPerSecond) / 1000;
  const rssPerSocket = Math.max(0, (cluster.rss - cluster.rssIdle) / cluster.sockets);
  console.log(
    `projection for ${coders} coders at once, WebSockets by round robin: ${atLeast} to ${needed} instances ` +
      `(at ${needed}: Accord CPU ${coresAt(needed).toFixed(2)} cores in all, ${((coresAt(needed) / needed) * 100).toFixed(0)} % of one core each); ` +
      `PostgreSQL ~${perUpdate('postgres').toFixed(2)} cores, Redis ~${perUpdate('redis').toFixed(2)} cores, nginx ~${perUpdate('nginx').toFixed(2)} cores; ` +
      `${coders * socketsPerCoder} sockets, ~${((rssPerSocket * coders * socketsPerCoder) / needed / 2 ** 20).toFixed(0)} MB RSS each instance for them.\n` +
      `  Assumptions: each coder works as in the session workload (${(updatesPerCoderPerSecond * 60).toFixed(0)} codings a ` +
      `minute, a cursor move a second, ${socketsPerCoder} open documents); CPU per coding (its share of the cursor ` +
      `traffic included), net of idle instances' own ${idlePerInstance.toFixed(1)} ms/s: accept ${accept.toFixed(2)} ms ` +
      `(one PostgreSQL+Redis instance, which publishes nothing), ${extra.toFixed(2)} ms more for a document held by ` +
      `further instances (from two instances against one), counted for each further instance holding it (an upper ` +
      `bound: ${needed}; counted once per update, as if it were all publication, ${atLeast}); sockets spread by round ` +
      `robin, so a layer open by its ${CODERS} coders is held by ${copies(needed).toFixed(1)} of ${needed} instances on ` +
      `average; one Node process uses one core, kept at most ${headroom * 100} % busy for ` +
      `bursts, reconnect storms and garbage collection; ~${(rssPerSocket / 1024).toFixed(0)} KB RSS per socket, measured behind nginx.`,
  );
  // Routed by document, every document is held by one instance (until that instance fails), so an update costs what
  // the two-instance deployment routed so measured per update, net of its idle instances, and nothing more.
  const acceptByDocument = byDocument.netPerUpdate.accord;
  const byDocumentIdle = byDocument.idlePerSecond.accord / results.byDocument.instances;
  const coresByDocument = (instances) =>
    (instances * byDocumentIdle + coders * updatesPerCoderPerSecond * acceptByDocument) / 1000;
  const neededByDocument = instancesFor(coresByDocument);
  console.log(
    `projection for ${coders} coders at once, routing by document: ${neededByDocument} instances (Accord CPU ` +
      `${coresByDocument(neededByDocument).toFixed(2)} cores in all; ${acceptByDocument.toFixed(2)} ms per coding net of ` +
      `idle instances' own ${byDocumentIdle.toFixed(1)} ms/s, measured on two instances routed so; each document held by ` +
      `one instance, as long as none fails; the same headroom).`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
