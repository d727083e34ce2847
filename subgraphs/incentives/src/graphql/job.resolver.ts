import { Arg, Ctx, ID, Query, Resolver, Root, Subscription } from 'type-graphql';
import { JobType, readJob, toJob, watchJob, type JobEntity } from '@hub/jobs';
import type { IncentivesContext } from './context';

@Resolver(() => JobType)
export class JobResolver {
  @Query(() => JobType, { nullable: true, description: 'A job (statements, closing a usage month) with its progress. Staff.' })
  async job(@Arg('id', () => ID) id: string, @Ctx() ctx: IncentivesContext): Promise<JobType | null> {
    const job = await readJob(ctx.jobs.store, ctx.claims, id);
    return job && toJob(job);
  }

  @Subscription(() => JobType, {
    description: 'The job now and at each change of status or progress; ends when it has finished. Staff.',
    subscribe: ({ args, context }) => watchJob((context as IncentivesContext).jobs.store, (context as IncentivesContext).claims, (args as { id: string }).id),
  })
  jobUpdated(@Root() job: JobEntity, @Arg('id', () => ID) _id: string): JobType {
    return toJob(job);
  }
}

