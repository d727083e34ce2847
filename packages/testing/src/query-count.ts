import type { QueryCounter } from '@hub/db';

/** Runs `work` and returns how many SQL statements it sent, with them, for a useful failure. */
export async function countQueries<T>(counter: QueryCounter, work: () => Promise<T>): Promise<{ result: T; count: number; statements: readonly string[] }> {
  counter.reset();
  const result = await work();
  return { result, count: counter.total, statements: [...counter.statements] };
}
