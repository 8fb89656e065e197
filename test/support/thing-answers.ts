/** The Action tests' stand-in app: "How do I change thing i?" answered well, or, when bad, with every even i losing the keyword. */
import type { ChatCall } from './fake-llm-server.js';

export function thingAnswer(call: ChatCall, bad: boolean): string {
  const i = Number(/thing (\d+)/.exec(call.messages.at(-1)?.content ?? '')?.[1] ?? 0);
  return bad && i % 2 === 0 ? 'Sorry, please contact support.' : `Open Settings and choose thing ${i}.`;
}
