#!/usr/bin/env node
/** `npm start`: runs the server (the same as `pivot-esl serve`). */
import { serve } from './server/serve-process.js';

void serve();
