/** Resolves once every promise of `promises` has settled, those added to the array while it waits included. */
export async function settleAll(promises: Promise<unknown>[]): Promise<void> {
  for (let done = 0; done < promises.length;) {
    const batch = promises.length;
    await Promise.allSettled(promises.slice(done, batch));
    done = batch;
  }
}
