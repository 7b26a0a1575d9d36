// Noise probe for run.mjs: an idle process pinned next to a server or the generator, measuring how late its timers
// fire. What it sees is the machine's own noise (other tenants, the hypervisor), not the servers'.
import { monitorEventLoopDelay } from 'node:perf_hooks';

const histogram = monitorEventLoopDelay({ resolution: 1 });
histogram.enable();
process.on('message', (message) => {
  if (message !== 'sample') return;
  // Lateness beyond the 1 ms sampling interval.
  process.send({ p99: histogram.percentile(99) / 1e6 - 1, max: histogram.max / 1e6 - 1 });
  histogram.reset();
});
process.on('disconnect', () => process.exit(0));
