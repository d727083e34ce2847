import { startTopology } from '../faults/topology';
import { formatFootprint, formatWindow, runSoak } from './soak';

// `pnpm soak`: the hub as separate processes (test/faults/topology.ts, its own databases and
// Redis) under a mixed workload for SOAK_MINUTES (default 10), printing each minute's requests,
// errors by code and latency percentiles, and every process's footprint at the start and the end.
const minutes = Number(process.env.SOAK_MINUTES ?? 10);
if (!(minutes > 0)) {
  console.error('SOAK_MINUTES must be a positive number of minutes');
  process.exit(2);
}

console.log('starting the gateway and the four subgraphs…');
const topology = await startTopology({ inspect: true });
const stopOnSignal = () => void topology.close().then(() => process.exit(130));
process.once('SIGINT', stopOnSignal);
process.once('SIGTERM', stopOnSignal);
try {
  console.log(`soaking for ${minutes} min`);
  const result = await runSoak(topology, { durationMs: minutes * 60_000, warmUpMs: 15_000, onWindow: (w, heaps) => console.log(`${formatWindow(w)}; heap after GC (MB) ${JSON.stringify(heaps)}`) });
  const errors = result.outcomes.filter((o) => o.status !== 200 || o.codes.length > 0).length;
  console.log(`\n${result.outcomes.length} requests, ${errors} with errors; subscribers ${result.subscription.subscribers}, events ${result.subscription.events}, subscription errors ${result.subscription.errors}`);
  console.log('\nat the start:');
  for (const f of result.start) console.log(`  ${formatFootprint(f)}`);
  console.log('at the end:');
  for (const f of result.end) console.log(`  ${formatFootprint(f)}`);
  process.exitCode = errors > 0 || result.subscription.errors > 0 ? 1 : 0;
} finally {
  await topology.close();
}
