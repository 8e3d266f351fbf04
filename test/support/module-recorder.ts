/**
 * Preloaded with `node --import <this file>`: records the URL of every module the process loads, one a line, in the
 * file named by $PIVOT_TEST_LOADED_MODULES, so that a test can tell what a command loaded.
 */
import { register } from 'node:module';

const file = process.env['PIVOT_TEST_LOADED_MODULES'];
if (file !== undefined) register('./module-recorder-hooks.js', import.meta.url, { data: { file } });
