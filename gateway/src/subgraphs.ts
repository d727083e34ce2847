import type { SubgraphModule } from '@hub/graphql-kit';
import { dealsSubgraph } from '@hub/deals';
import { incentivesSubgraph } from '@hub/incentives';
import { licensesSubgraph } from '@hub/licenses';
import { partnersSubgraph } from '@hub/partners';

/** Every subgraph of the hub: composed into the supergraph, embedded by `pnpm start`. */
export const subgraphs: readonly SubgraphModule[] = [partnersSubgraph, dealsSubgraph, licensesSubgraph, incentivesSubgraph];

/**
 * Subgraphs whose Subscription fields the gateway runs over graphql-ws at their /graphql
 * (Apollo Server subgraphs serve subscriptions only that way).
 */
export const subscriptionSubgraphs: ReadonlySet<string> = new Set(['deals', 'incentives']);
