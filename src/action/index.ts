/** Entry point of the bundled Action (dist/index.js). */
import { guardOutput } from '../util/terminal-output.js';
import { runAction } from './main.js';

// Everything the Action prints reaches the runner's log: secrets scrubbed, control sequences
// removed, and no untrusted line can start a workflow command.
guardOutput(process.stdout, { actionsLog: true });
guardOutput(process.stderr, { actionsLog: true });
await runAction();
