import { DealsError } from './errors';

export const DEAL_STATUSES = ['SUBMITTED', 'APPROVED', 'REJECTED', 'WITHDRAWN', 'WON', 'LOST', 'EXPIRED', 'REVERSED'] as const;
export type DealStatus = (typeof DEAL_STATUSES)[number];

export const DEAL_ACTIONS = ['approve', 'reject', 'withdraw', 'extend', 'markWon', 'markLost', 'expire', 'reverse'] as const;
export type DealAction = (typeof DEAL_ACTIONS)[number];

/**
 * The registration lifecycle: SUBMITTED → APPROVED | REJECTED | WITHDRAWN; APPROVED → WON |
 * LOST | EXPIRED, and an approval can be extended; a WON deal cancelled later is REVERSED
 * (which claws back what it earned). Everything else is refused.
 */
const TRANSITIONS: Readonly<Record<DealAction, { from: readonly DealStatus[]; to: (current: DealStatus) => DealStatus }>> = {
  approve: { from: ['SUBMITTED'], to: () => 'APPROVED' },
  reject: { from: ['SUBMITTED'], to: () => 'REJECTED' },
  withdraw: { from: ['SUBMITTED'], to: () => 'WITHDRAWN' },
  extend: { from: ['APPROVED'], to: () => 'APPROVED' },
  markWon: { from: ['APPROVED'], to: () => 'WON' },
  markLost: { from: ['APPROVED'], to: () => 'LOST' },
  expire: { from: ['APPROVED'], to: () => 'EXPIRED' },
  reverse: { from: ['WON'], to: () => 'REVERSED' },
};

const TARGET_NAME: Readonly<Record<DealAction, DealStatus>> = {
  approve: 'APPROVED',
  reject: 'REJECTED',
  withdraw: 'WITHDRAWN',
  extend: 'APPROVED',
  markWon: 'WON',
  markLost: 'LOST',
  expire: 'EXPIRED',
  reverse: 'REVERSED',
};

/** The status `action` aims for, whether or not it is allowed from the current one. */
export function targetStatus(action: DealAction): DealStatus {
  return TARGET_NAME[action];
}

export function canTransition(current: DealStatus, action: DealAction): boolean {
  return TRANSITIONS[action].from.includes(current);
}

/** The status after `action`, or DEALS.INVALID_TRANSITION naming both states. */
export function nextStatus(current: DealStatus, action: DealAction): DealStatus {
  if (!canTransition(current, action)) {
    const target = targetStatus(action);
    throw new DealsError('DEALS.INVALID_TRANSITION', `A ${current} deal cannot become ${target} (${action})`, {
      from: current,
      to: target,
      action,
    });
  }
  return TRANSITIONS[action].to(current);
}

/** Registrations that hold an end customer and product line against other partners. */
export const HOLDING_STATUSES: readonly DealStatus[] = ['SUBMITTED', 'APPROVED'];
