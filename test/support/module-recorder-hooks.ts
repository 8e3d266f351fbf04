/** Module hooks of module-recorder.ts: each module loaded is appended to the file given at registration. */
import { appendFileSync } from 'node:fs';
import type { InitializeHook, LoadHook } from 'node:module';

let file: string | undefined;

export const initialize: InitializeHook<{ readonly file: string }> = (data) => {
  file = data.file;
};

export const load: LoadHook = (url, context, nextLoad) => {
  if (file !== undefined) appendFileSync(file, `${url}\n`);
  return nextLoad(url, context);
};
