/** Call priority 1/2/3 in the centers' red / yellow / blue, as on the wall (theme.ts PRIORITY). */
import type { Risk } from '@watchfloor/config/contracts';

export const priorityRisk = (p: number): Risk => (p === 1 ? 'red' : p === 2 ? 'yellow' : 'blue');
