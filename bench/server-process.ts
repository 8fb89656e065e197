/**
 * The local test server in a process of its own, so a benchmark measures the runner and not the
 * server sharing its event loop. Options come as JSON in argv[2]; prints `READY <url>` when
 * listening; counters at GET /__stats.
 */
import { FakeLlmServer, type FakeServerOptions } from '../test/support/fake-llm-server.js';

const options = JSON.parse(process.argv[2] ?? '{}') as FakeServerOptions;
const server = await FakeLlmServer.start(options);
process.stdout.write(`READY ${server.url}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
