import { mintToken, type Claims } from '@hub/auth';
import { createTestDatabase, type TestDatabase } from '@hub/testing';
import type { DealsHubUrls } from './deals.hub';
import { startHubProcess } from './hub-process';
import { BENCH_JWT_SECRET } from './secrets';

/**
 * The parent's side of `deals.hub.ts`: creates the three databases, starts the hub, picks a demo
 * partner that buys through a distributor and waits until deals knows that partner and has the
 * catalog. `stop` kills the hub and drops the databases; a failure while starting cleans up the
 * same way.
 */
export interface DealsBench {
  urls: DealsHubUrls;
  partnerId: string;
  distributorId: string;
  /** Demo partners that buy through a distributor, each with one of its distributors (the first is the above). */
  routes: { partnerId: string; distributorId: string }[];
  staffToken: string;
  token(claims: Claims): Promise<string>;
  /** A GraphQL POST to the gateway as staff (or with the given token). */
  post<T>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResult<T>>;
  stop(): Promise<void>;
}

export interface GraphQLResult<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export const REGISTER_DEAL = 'mutation RegisterDeal($input: RegisterDealInput!) { registerDeal(input: $input) { id status } }';

/** A registration no other can conflict with, as long as `customer` is unique. */
export function registerDealInput(partnerId: string, distributorId: string, customer: string): Record<string, unknown> {
  return {
    partnerId,
    distributorId,
    endCustomer: { name: customer, country: 'FR' },
    type: 'NEW_CUSTOMER',
    productLine: 'NETWORK',
    lines: [{ sku: 'NETWORK-ADV-T', seats: 40, unitPrice: '1000.00' }],
    expectedCloseDate: '2099-12-31',
  };
}

const staff: Claims = { sub: 'bench@vendor', role: 'vendor_admin' };
// Measured on the loaded 2-core machine with MariaDB: about 26 s from start to the first accepted
// registration, of which about 5 s is deals applying licenses' 460 SKUs (one transaction each).
const PARTNER_FACTS_TIMEOUT_MS = 90_000;

export async function startDealsBench(label: string): Promise<DealsBench> {
  const databases: TestDatabase[] = [];
  const dropAll = () => Promise.all(databases.map((d) => d.drop())).then(() => undefined);
  let stopHub = async () => {};
  try {
    databases.push(await createTestDatabase(`${label}_partners`), await createTestDatabase(`${label}_deals`), await createTestDatabase(`${label}_licenses`));
    const hub = await startHubProcess<DealsHubUrls>('deals.hub.ts', {
      BENCH_PARTNERS_DATABASE_URL: databases[0]!.url,
      BENCH_DEALS_DATABASE_URL: databases[1]!.url,
      BENCH_LICENSES_DATABASE_URL: databases[2]!.url,
    });
    stopHub = hub.stop;
    const token = (claims: Claims) => mintToken(claims, { secret: BENCH_JWT_SECRET, expiresIn: '1h' });
    const staffToken = await token(staff);
    const post = async <T>(query: string, variables?: Record<string, unknown>, bearer = staffToken): Promise<GraphQLResult<T>> => {
      const response = await fetch(hub.urls.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLResult<T>;
    };

    const partners = await post<{ partners: { edges: { node: { id: string; distributors: { id: string }[] } }[] } }>(
      '{ partners(first: 20, filter: { programCode: "FR-2023" }) { edges { node { id distributors { id } } } } }',
    );
    const routes = (partners.data?.partners.edges ?? [])
      .filter(({ node }) => node.distributors.length > 0)
      .map(({ node }) => ({ partnerId: node.id, distributorId: node.distributors[0]!.id }));
    if (routes.length === 0) throw new Error(`no demo partner with a distributor: ${JSON.stringify(partners.errors)}`);
    const { partnerId, distributorId } = routes[0]!;

    // Partner facts and licenses' catalog reach deals through the bus after start: wait until a
    // registration is accepted (refused for an unknown partner, or as SERVICE_UNAVAILABLE while
    // the catalog is arriving, until then).
    const started = Date.now();
    for (let attempt = 0; ; attempt += 1) {
      const registered = await post<{ registerDeal: { id: string } }>(REGISTER_DEAL, {
        input: registerDealInput(partnerId, distributorId, `Bench readiness ${attempt}`),
      });
      if (registered.data?.registerDeal) break;
      const message = registered.errors?.[0]?.message ?? 'no data';
      const notYet = message.includes('unknown partner') || registered.errors?.[0]?.extensions?.code === 'SERVICE_UNAVAILABLE';
      if (!notYet || Date.now() - started > PARTNER_FACTS_TIMEOUT_MS) {
        throw new Error(`deals does not accept registrations for the demo partner: ${message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    return {
      urls: hub.urls,
      partnerId,
      distributorId,
      routes,
      staffToken,
      token,
      post,
      stop: async () => {
        await hub.stop();
        await dropAll();
      },
    };
  } catch (error) {
    await stopHub();
    await dropAll();
    throw error;
  }
}
