import { describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { loadEdgeConfig } from './edge-config';
import { CircuitBreaker, FailureLog, subgraphUnavailable, transportFailure } from './upstream-resilience';

describe('transportFailure', () => {
  it('tells the executor’s own failures from a subgraph’s answers', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:4003'), { code: 'ECONNREFUSED' });
    expect(transportFailure(new GraphQLError('connect ECONNREFUSED 10.0.0.7:4003', { originalError: refused }))).toBe('UNREACHABLE');
    expect(transportFailure(new GraphQLError('The operation was aborted due to timeout', { extensions: { code: 'TIMEOUT_ERROR' } }))).toBe('TIMEOUT');
    expect(transportFailure(new GraphQLError('timed out', { extensions: { code: 'GATEWAY_TIMEOUT' } }))).toBe('TIMEOUT');
    expect(transportFailure(new GraphQLError('Unexpected response: "<html>502</html>"', { extensions: { code: 'RESPONSE_VALIDATION_FAILED' } }))).toBe('BAD_RESPONSE');
    expect(transportFailure(Object.assign(new Error('signal timed out'), { name: 'TimeoutError' }))).toBe('TIMEOUT');
  });

  it('passes a subgraph’s own errors through, its SERVICE_UNAVAILABLE included', () => {
    expect(transportFailure(new GraphQLError('The database is unavailable; retry shortly.', { extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true } }))).toBeUndefined();
    expect(transportFailure(new GraphQLError('Not allowed', { extensions: { code: 'FORBIDDEN' } }))).toBeUndefined();
    expect(transportFailure(new GraphQLError('nested', { originalError: new GraphQLError('inner') }))).toBeUndefined();
  });

  it('says which part failed and that a retry may help, never where it runs', () => {
    const error = subgraphUnavailable('licenses', 'TIMEOUT');
    expect(error.extensions).toEqual({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'licenses', retryable: true, reason: 'TIMEOUT' });
    expect(error.originalError).toBeUndefined();
  });
});

describe('CircuitBreaker', () => {
  it('opens after N consecutive failures, lets one probe through after the cool-down, and closes on its success', () => {
    let now = 0;
    const breaker = new CircuitBreaker(3, 1_000, () => now);
    expect(breaker.failed()).toBe(false);
    breaker.succeeded(); // a success in between starts the count again
    expect([breaker.failed(), breaker.failed()]).toEqual([false, false]);
    expect(breaker.allows()).toBe(true);
    expect(breaker.failed()).toBe(true);
    expect(breaker.state).toBe('open');
    expect(breaker.failed()).toBe(false); // a request already under way when it opened
    expect(breaker.allows()).toBe(false);
    now = 999;
    expect(breaker.allows()).toBe(false);
    now = 1_000;
    expect(breaker.state).toBe('half-open');
    expect(breaker.allows()).toBe(true); // the probe
    expect(breaker.allows()).toBe(false); // others wait for its outcome
    breaker.succeeded();
    expect(breaker.state).toBe('closed');
    expect(breaker.allows()).toBe(true);
  });

  it('reopens for another cool-down when the probe fails', () => {
    let now = 0;
    const breaker = new CircuitBreaker(1, 500, () => now);
    expect(breaker.failed()).toBe(true);
    now = 500;
    expect(breaker.allows()).toBe(true);
    expect(breaker.failed()).toBe(true);
    expect(breaker.allows()).toBe(false);
    now = 1_000;
    expect(breaker.allows()).toBe(true);
  });

  it('never opens with a threshold of 0', () => {
    const breaker = new CircuitBreaker(0, 500);
    for (let i = 0; i < 100; i++) breaker.failed();
    expect(breaker.allows()).toBe(true);
    expect(breaker.state).toBe('closed');
  });
});

describe('FailureLog', () => {
  it('writes one line per subgraph and failure kind per interval, the repeats as a count', () => {
    let now = 0;
    const lines: { attrs: Record<string, unknown>; msg: string }[] = [];
    const log = new FailureLog({ warn: ((attrs: Record<string, unknown>, msg: string) => void lines.push({ attrs, msg })) as never }, 10_000, () => now);
    for (let i = 0; i < 500; i++) log.record('licenses', 'UNREACHABLE');
    log.record('licenses', 'TIMEOUT');
    log.record('deals', 'UNREACHABLE');
    expect(lines.map((l) => l.attrs)).toEqual([
      { subgraph: 'licenses', reason: 'UNREACHABLE' },
      { subgraph: 'licenses', reason: 'TIMEOUT' },
      { subgraph: 'deals', reason: 'UNREACHABLE' },
    ]);
    now = 10_000;
    log.flush();
    expect(lines.slice(3).map((l) => l.attrs)).toEqual([{ subgraph: 'licenses', reason: 'UNREACHABLE', count: 499 }]);
    log.close();
  });
});

describe('edge config: subgraph timeouts, breaker, in-flight bound', () => {
  it('reads defaults and overrides', () => {
    const defaults = loadEdgeConfig({});
    expect(defaults.upstream).toMatchObject({ timeoutMs: 10_000, timeouts: {}, breakerFailures: 5 });
    expect(defaults.maxInFlight).toBe(256);
    const edge = loadEdgeConfig({ SUBGRAPH_TIMEOUT_MS: '5000', SUBGRAPH_TIMEOUTS: 'licenses=3000, deals=7000', SUBGRAPH_BREAKER_FAILURES: '0', MAX_IN_FLIGHT: '64' });
    expect(edge.upstream).toMatchObject({ timeoutMs: 5_000, timeouts: { licenses: 3_000, deals: 7_000 }, breakerFailures: 0 });
    expect(edge.maxInFlight).toBe(64);
  });

  it('names a bad per-subgraph timeout', () => {
    expect(() => loadEdgeConfig({ SUBGRAPH_TIMEOUTS: 'licenses=soon' })).toThrow(/SUBGRAPH_TIMEOUTS[\s\S]*licenses=soon/);
    expect(() => loadEdgeConfig({ MAX_IN_FLIGHT: '0' })).toThrow(/MAX_IN_FLIGHT/);
  });
});
