import { isNewBusiness, type DealFacts, type PartnerStanding } from './facts';
import { addRates, amountText, rated, type IncentiveLine, type PayoutLine } from './lines';
import type { RuleVersion } from './rules';

/*
 * One pure function per rule: plain facts in (the deal, the partner as it stood on the close
 * date, the rule version in effect then), one explained line or null out.
 */

const dealSource = (deal: DealFacts) => `deal:${deal.dealId}`;

function line(rule: RuleVersion, deal: DealFacts, baseMinor: bigint, rateText: string, explanation: string): IncentiveLine {
  const { text, amountMinor } = rated(baseMinor, rateText);
  return { rule: rule.kind, ruleVersion: rule.version, source: dealSource(deal), baseMinor, rate: text, amountMinor, currency: deal.currency, explanation: explanation.replace('{rate}', text).replace('{amount}', amountText(amountMinor, deal.currency)) };
}

/** Off the price: new business at the tier's rate, renewals at the renewal rate (3–4 × less). */
export function frontEndDiscount(deal: DealFacts, standing: PartnerStanding, rule: RuleVersion<'FRONT_END_DISCOUNT'>): IncentiveLine | null {
  if (!isNewBusiness(deal.type)) {
    return line(rule, deal, deal.amountMinor, rule.parameters.renewalRate, `Renewal discount {rate} of ${amountText(deal.amountMinor, deal.currency)}: {amount} off`);
  }
  const rate = rule.parameters.newBusinessRates[standing.tierCode];
  if (rate === undefined) return null;
  return line(rule, deal, deal.amountMinor, rate, `Front-end discount for a ${standing.tierCode} partner on new business: {rate} of ${amountText(deal.amountMinor, deal.currency)}, {amount} off`);
}

/** Off the price, on top: an approved registration of new business, at the tier's rate. */
export function dealRegistrationDiscount(deal: DealFacts, standing: PartnerStanding, rule: RuleVersion<'DEAL_REGISTRATION_DISCOUNT'>): IncentiveLine | null {
  if (!deal.registered || !isNewBusiness(deal.type)) return null;
  const rate = rule.parameters.rates[standing.tierCode];
  if (rate === undefined) return null;
  return line(rule, deal, deal.amountMinor, rate, `Deal-registration discount for a ${standing.tierCode} partner's approved registration: {rate}, {amount} off`);
}

/** Paid after the sale: a registered new-business deal won, more with the product line's specialization. */
export function backEndRebate(deal: DealFacts, standing: PartnerStanding, rule: RuleVersion<'BACK_END_REBATE'>): PayoutLine | null {
  if (!deal.registered || !isNewBusiness(deal.type)) return null;
  const specialization = rule.parameters.specializationByProductLine[deal.productLine];
  const uplifted = specialization !== undefined && standing.specializations.includes(specialization);
  const rate = uplifted ? addRates(rule.parameters.baseRate, rule.parameters.specializationUplift) : rule.parameters.baseRate;
  const why = uplifted
    ? `Back-end rebate {rate} (${rule.parameters.baseRate} + ${rule.parameters.specializationUplift} for holding ${specialization}) on the won registered deal of ${amountText(deal.amountMinor, deal.currency)}: {amount}`
    : `Back-end rebate {rate} on the won registered deal of ${amountText(deal.amountMinor, deal.currency)}: {amount}`;
  return { ...line(rule, deal, deal.amountMinor, rate, why), payee: { kind: 'PARTNER', id: deal.partnerId } };
}

/** To the referring partner, by the seats of the sale it referred. */
export function referralFee(deal: DealFacts, rule: RuleVersion<'REFERRAL_FEE'>): PayoutLine | null {
  if (!deal.referringPartnerId) return null;
  const band = rule.parameters.bands.find((b) => deal.seats >= b.fromSeats && (b.toSeats === null || deal.seats <= b.toSeats));
  if (!band) return null;
  const range = band.toSeats === null ? `${band.fromSeats}+ seats` : `${band.fromSeats}–${band.toSeats} seats`;
  return {
    ...line(rule, deal, deal.amountMinor, band.rate, `Referral fee {rate} (${range}) of the recommended partner buy price ${amountText(deal.amountMinor, deal.currency)} for the referred ${deal.seats}-seat sale: {amount}`),
    payee: { kind: 'PARTNER', id: deal.referringPartnerId },
  };
}

/** Whether an SMB-focused partner's enterprise deal earns the flat rebate, which replaces its other deal payouts. */
export function segmentFlatRebateApplies(deal: DealFacts, standing: PartnerStanding, rule: RuleVersion<'SEGMENT_FLAT_REBATE'>): boolean {
  return standing.segmentFocus === rule.parameters.partnerSegmentFocus && deal.segment === rule.parameters.dealSegment;
}

export function segmentFlatRebate(deal: DealFacts, standing: PartnerStanding, rule: RuleVersion<'SEGMENT_FLAT_REBATE'>): PayoutLine | null {
  if (!segmentFlatRebateApplies(deal, standing, rule)) return null;
  return {
    ...line(rule, deal, deal.amountMinor, rule.parameters.rate, `Flat rebate {rate} for an ${standing.segmentFocus}-focused partner's ${deal.segment} deal of ${amountText(deal.amountMinor, deal.currency)}, instead of other deal incentives: {amount}`),
    payee: { kind: 'PARTNER', id: deal.partnerId },
  };
}

/** Paid with the statement of the close, not as a later kickback: on the listed product lines. */
export function instantBonus(deal: DealFacts, rule: RuleVersion<'INSTANT_BONUS'>): PayoutLine | null {
  if (!rule.parameters.productLines.includes(deal.productLine)) return null;
  return {
    ...line(rule, deal, deal.amountMinor, rule.parameters.rate, `Instant bonus {rate} on a ${deal.productLine} sale of ${amountText(deal.amountMinor, deal.currency)} closed ${deal.closedOn ?? ''}: {amount}`),
    payee: { kind: 'PARTNER', id: deal.partnerId },
  };
}

/** To the distributor that fulfilled a sale for a partner in one of the listed (lower) tiers. */
export function distributorIncentive(deal: DealFacts, standing: PartnerStanding, rule: RuleVersion<'DISTRIBUTOR_INCENTIVE'>): PayoutLine | null {
  if (!deal.distributorId || !rule.parameters.partnerTiers.includes(standing.tierCode)) return null;
  return {
    ...line(rule, deal, deal.amountMinor, rule.parameters.rate, `Distributor incentive {rate} on a sale of ${amountText(deal.amountMinor, deal.currency)} fulfilled for a ${standing.tierCode} partner: {amount}`),
    payee: { kind: 'DISTRIBUTOR', id: deal.distributorId },
  };
}
