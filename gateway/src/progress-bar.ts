/** One line of a job's progress: `[#######.............]  35% 3,500/10,000 RUNNING`. */
export function progressLine(job: { status: string; progress: { done: number; total: number } }, width = 30): string {
  const { done, total } = job.progress;
  // A queued job has no total yet; a finished one with nothing to do is complete.
  const share = total > 0 ? Math.min(1, done / total) : job.status === 'SUCCEEDED' ? 1 : 0;
  const filled = Math.round(share * width);
  const percent = `${Math.floor(share * 100)}%`.padStart(4);
  const count = `${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}`;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${percent} ${count} ${job.status}`;
}
