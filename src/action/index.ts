/** Entry point of the bundled Action (dist/index.js). */
import { runAction } from './main.js';

await runAction();
