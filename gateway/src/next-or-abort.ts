/**
 * The iterator's next result, or 'aborted' once `signal` aborts, whichever comes first; the
 * abort listener goes as soon as it is settled.
 *
 * What a stream wrapper must not do is `Promise.race([iterator.next(), stop])` in a loop with
 * one `stop` promise for the stream's whole life: every race leaves a reaction on `stop` that
 * holds the race's promise, and so the result it settled with, until `stop` settles. A live
 * subscription kept every event it had sent (the soak's gateway heap grew ~4 MB a minute).
 */
export function nextOrAbort<T>(iterator: AsyncIterator<T>, signal: AbortSignal): Promise<IteratorResult<T> | 'aborted'> {
  if (signal.aborted) return Promise.resolve('aborted');
  const next = iterator.next();
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
    next.then(
      (result) => {
        signal.removeEventListener('abort', onAbort);
        resolve(result);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
