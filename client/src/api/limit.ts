/**
 * At most `concurrency` tasks at a time; the others wait in order. Used so that a list of
 * 50 running experiments does not fire 50 results requests at once.
 *
 * @example const limit = createLimiter(4); await limit(() => fetch(url));
 */
export function createLimiter(concurrency: number): <T>(task: () => Promise<T>) => Promise<T> {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be an integer >= 1, got ${String(concurrency)}`);
  }
  let active = 0;
  const waiting: (() => void)[] = [];
  // A finishing task hands its slot straight to the next waiter, so no newcomer can slip in.
  const next = () => {
    const resume = waiting.shift();
    if (resume) resume();
    else active--;
  };
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await task();
    } finally {
      next();
    }
  };
}
