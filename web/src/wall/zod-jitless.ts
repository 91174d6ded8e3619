'use client';
/**
 * zod probes whether it may compile validators with `Function("")`; under the page's CSP
 * (no 'unsafe-eval') the probe is refused and reported as a violation. Jitless mode skips it:
 * the wall validates little, the interpreter is fast enough.
 */
import { z } from 'zod';

z.config({ jitless: true });
