import { seededRandom } from '@accord/shared';
import { describe, expect, it } from 'vitest';
import { type Client, connect, waitFor } from '../../../test/sync/helpers.js';
import { type Instance, relayTestBed, SharedStorage, startInstance } from './harness.js';

/**
 * The relay publishes a document's updates only while another instance may hold it (scaleout/sharing.ts). Here three
 * instances load and unload one document over and over (tabs opening and closing on random instances, a 20 ms
 * unload grace) while the open tabs keep writing: each instance's idea of whether it holds the document alone flips
 * back and forth, and no tab may miss an edit because of it. (An update published right after an instance hears of
 * a newcomer can overtake the answer that carries what it depends on, which waits for durability: the newcomer drops
 * it and catches up, counted as `incomplete`, as for any update that arrives ahead of what it needs.)
 */
describe('one document loaded and unloaded on three instances, edited throughout', () => {
  const { redis, clients, instances } = relayTestBed();
  /** Over every seed: what the instances kept back, and what they published. */
  const totals = { unshared: 0, published: 0 };

  it.each([1, 2, 3, 4, 5, 6])(
    'every tab open at the end has every edit, and so has storage (seed %i)',
    async (seed) => {
      const next = seededRandom(seed);
      const storage = new SharedStorage();
      const common = {
        redisUrl: redis().url,
        prefix: `churn${seed}:`,
        limits: { unloadGraceMs: 20 },
        readStored: (name: string) => storage.read(name),
      };
      for (const name of ['a', 'b', 'c'])
        instances.push(await startInstance(name, { ...common, storage: storage.open() }));
      const doc = 'p/churn/t/t1/c/u1';
      const stored = () => storage.state(doc).getMap('m');
      const open: { client: Client; instance: Instance; last: string | null }[] = [];
      const written: string[] = [];

      for (let step = 0; step < 200; step++) {
        const roll = next();
        if (open.length === 0 || (roll < 0.2 && open.length < 6)) {
          const instance = instances[Math.floor(next() * instances.length)]!;
          const client = connect(instance.wsUrl, doc, { user: `u${step}` });
          clients.push(client);
          await client.synced;
          open.push({ client, instance, last: null });
        } else if (roll < 0.35) {
          // A tab closes once the server has its last edit (what it never sent is the tab's to lose, not the server's).
          const [tab] = open.splice(Math.floor(next() * open.length), 1);
          const { client, instance, last } = tab!;
          if (last !== null) await waitFor(() => stored().has(last), `edit ${last} stored before its tab closes`);
          client.destroy();
          // Half the time, when it was its instance's last tab, until that instance has unloaded the document.
          if (next() < 0.5 && !open.some((other) => other.instance === instance)) {
            await waitFor(() => instance.engine.metrics().loadedDocs === 0, `${instance.name} unloaded the document`);
          }
        } else {
          const tab = open[Math.floor(next() * open.length)]!;
          const key = `s${step}`;
          tab.client.doc.getMap('m').set(key, step);
          tab.last = key;
          written.push(key);
        }
      }

      const hasAll = (map: { has(key: string): boolean }) => written.every((key) => map.has(key));
      await waitFor(() => hasAll(stored()), 'every edit stored', 10_000);
      await waitFor(
        () => open.every(({ client }) => hasAll(client.doc.getMap('m'))),
        'every open tab has every edit',
        10_000,
      );
      for (const instance of instances) {
        const { stats } = instance.scaleOut.relay;
        totals.unshared += stats.unshared;
        totals.published += stats.published;
        expect(stats.publishFailures, `${instance.name} publish failures`).toBe(0);
        // No update waited in vain for its confirmation: none was skipped while another instance held it.
        expect(stats.persistedUnconfirmed, `${instance.name} logged unconfirmed`).toBe(0);
      }
    },
  );

  it('the runs above exercised both sides of the rule: updates kept back and updates published', () => {
    expect(totals.unshared).toBeGreaterThan(0);
    expect(totals.published).toBeGreaterThan(0);
  });
});
