import { describe, expect, it } from 'vitest';
import { progressLine } from './progress-bar';

describe('progressLine', () => {
  it('fills the bar in proportion to the pages done', () => {
    expect(progressLine({ status: 'RUNNING', progress: { done: 3500, total: 10000 } }, 20)).toBe('[#######.............]  35% 3,500/10,000 RUNNING');
  });

  it('shows an empty bar while the job is queued and has no total yet', () => {
    expect(progressLine({ status: 'QUEUED', progress: { done: 0, total: 0 } }, 10)).toBe('[..........]   0% 0/0 QUEUED');
  });

  it('shows a full bar for a finished job, even one with nothing to do', () => {
    expect(progressLine({ status: 'SUCCEEDED', progress: { done: 0, total: 0 } }, 10)).toBe('[##########] 100% 0/0 SUCCEEDED');
    expect(progressLine({ status: 'SUCCEEDED', progress: { done: 12, total: 12 } }, 4)).toBe('[####] 100% 12/12 SUCCEEDED');
  });
});
