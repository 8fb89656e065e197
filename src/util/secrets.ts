/**
 * Keeps secrets out of everything driftgate writes. Every API key the process reads is registered
 * here, and every message that may reach a file, a report or a log line passes through
 * `scrubSecrets`. Provider errors can echo a key (a proxy's 401 page, a misconfigured gateway), so
 * the values themselves are replaced, and common key shapes are masked as a second line of defence.
 */
const known = new Set<string>();

export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 8) known.add(value);
}

const KEY_SHAPES = [
  /\bsk-[A-Za-z0-9_-]{16,}/g,
  /\bsk-ant-[A-Za-z0-9_-]{16,}/g,
  /\b(?:Bearer|bearer)\s+[A-Za-z0-9._~+/=-]{16,}/g,
];

export function scrubSecrets(text: string): string {
  let out = text;
  for (const secret of known) out = out.split(secret).join('[redacted]');
  for (const shape of KEY_SHAPES) out = out.replace(shape, '[redacted]');
  return out;
}
