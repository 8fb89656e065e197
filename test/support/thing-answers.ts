/** The Action tests' stand-in app: "How do I change thing i?" answered well, or, when bad, with every even i losing the keyword. */
import { FakeLlmServer, type ChatCall } from './fake-llm-server.js';
import { FakeGitHubServer } from './fake-github-server.js';

export function thingAnswer(call: ChatCall, bad: boolean): string {
  const i = Number(/thing (\d+)/.exec(call.messages.at(-1)?.content ?? '')?.[1] ?? 0);
  return bad && i % 2 === 0 ? 'Sorry, please contact support.' : `Open Settings and choose thing ${i}.`;
}

export interface ActionServers {
  readonly llm: FakeLlmServer;
  readonly gh: FakeGitHubServer;
  close(): Promise<void>;
}

/** The local model server answering as the stand-in app (`bad()` at the time of each call) and the GitHub stand-in. */
export async function startActionServers(bad: () => boolean): Promise<ActionServers> {
  const llm = await FakeLlmServer.start({ respond: (call) => thingAnswer(call, bad()) });
  const gh = await FakeGitHubServer.start();
  return { llm, gh, close: async () => void (await Promise.all([llm.close(), gh.close()])) };
}
