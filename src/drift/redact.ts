/**
 * Redaction of sampled production inputs before anything leaves the machine (a provider call, a
 * file, a report): emails, phone numbers, card numbers (Luhn-checked), IP addresses and API keys /
 * tokens become typed placeholders such as `[EMAIL]`.
 *
 * Why not a library: the maintained candidates cover too little. `@redactpii/node` 1.0.17, measured
 * on test/fixtures/redaction-labelled.jsonl, found 20 of 40 entities (no IP addresses, no API keys,
 * US phone formats only) and altered 3 of 20 lines with nothing to redact; on the held-out set, 11
 * of 23. These regular expressions with validators reach recall and precision ≥ 0.95 on both sets
 * (asserted in test/drift-redaction.test.ts; the held-out set was measured once, not tuned against).
 * Choices that trade recall for precision:
 * - a phone number needs phone-like formatting (a leading +, parentheses, or separators between
 *   groups) and 9–15 digits: a bare run of digits is as often an order or tracking number; digits
 *   glued to a hyphen (INV-2026-004417) belong to an identifier, and 13 digits from 978/979 are an ISBN;
 * - a card number must pass the Luhn check and have 13–19 digits;
 * - an IPv4 address needs four octets ≤ 255; IPv6 needs at least three groups or a `::` with hex.
 */
export type PiiType = 'EMAIL' | 'PHONE' | 'CARD' | 'IP' | 'SECRET';

export interface Finding {
  readonly type: PiiType;
  readonly start: number;
  readonly end: number;
  readonly value: string;
}

const SECRET_PATTERNS: readonly RegExp[] = [
  /\bsk-ant-[A-Za-z0-9_-]{20,}/g,
  /\bsk-(?:proj-|live-|test-)?[A-Za-z0-9_-]{20,}/g,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
  /\bgh[pousr]_[A-Za-z0-9]{30,}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{40,}\b/g,
  /\bxox[abprs]-[A-Za-z0-9-]{20,}/g,
  /\bAIza[0-9A-Za-z_-]{35}\b/g,
  /\b[Bb]earer\s+[A-Za-z0-9._~+/=-]{20,}/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{8,}/g,
];

const EMAIL =
  /[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}/g;
const CARD = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;
const PHONE =
  /(?<![\w.+-])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{1,5}(?:[\s.-]\d{1,6}){1,5}(?!\w|[.-]\d)|(?<![\w+])\+\d{9,15}(?!\w)/g;
const IPV4 = /(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\w.]?\d)/g;
const IPV6 =
  /(?<![\w:])(?:[0-9A-Fa-f]{1,4}:){2,7}(?::|[0-9A-Fa-f]{1,4})|(?<![\w:])(?:[0-9A-Fa-f]{1,4}:){1,6}(?::[0-9A-Fa-f]{1,4}){1,6}(?![\w:])/g;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length >= 13 && sum % 10 === 0;
}

function phoneLike(match: string): boolean {
  const digits = match.replace(/\D/g, '');
  if (digits.length < 9 || digits.length > 15) return false;
  const formatted = /^\+/.test(match) || /\(\d+\)/.test(match) || /\d[\s.-]\d/.test(match);
  // Dates (2026-11-22) are digit groups with separators too; so is an ISBN-13 (978/979 prefix).
  if (/^\d{4}-\d{2}-\d{2}$/.test(match)) return false;
  if (digits.length === 13 && /^97[89]/.test(digits)) return false;
  return formatted;
}

function collect(text: string, re: RegExp, type: PiiType, accept: (m: string) => boolean = () => true): Finding[] {
  const out: Finding[] = [];
  for (const m of text.matchAll(re)) {
    const value = m[0];
    if (accept(value)) out.push({ type, start: m.index ?? 0, end: (m.index ?? 0) + value.length, value });
  }
  return out;
}

/** Findings without overlaps: earlier types in this order win (a card is not also a phone). */
export function findPii(text: string): Finding[] {
  const candidates = [
    ...SECRET_PATTERNS.flatMap((re) => collect(text, re, 'SECRET')),
    ...collect(text, EMAIL, 'EMAIL'),
    ...collect(text, CARD, 'CARD', (m) => luhnValid(m.replace(/\D/g, ''))),
    ...collect(text, IPV4, 'IP'),
    ...collect(text, IPV6, 'IP', (m) => /[0-9a-f]/i.test(m.replace(/:/g, '')) && m !== '::1'),
    ...collect(text, PHONE, 'PHONE', phoneLike),
  ];
  const kept: Finding[] = [];
  for (const f of candidates) if (!kept.some((k) => f.start < k.end && k.start < f.end)) kept.push(f);
  return kept.sort((a, b) => a.start - b.start);
}

const TYPE_OF_OPTION: Record<string, PiiType> = {
  email: 'EMAIL',
  phone: 'PHONE',
  card: 'CARD',
  ip: 'IP',
  secret: 'SECRET',
};

/** Redacts the given kinds (default all), e.g. `['email', 'secret']` as named in driftgate.yaml. */
export function redact(text: string, kinds?: readonly string[]): { text: string; findings: Finding[] } {
  const wanted = kinds ? new Set(kinds.map((k) => TYPE_OF_OPTION[k])) : undefined;
  const findings = findPii(text).filter((f) => !wanted || wanted.has(f.type));
  let out = '';
  let at = 0;
  for (const f of findings) {
    out += `${text.slice(at, f.start)}[${f.type}]`;
    at = f.end;
  }
  return { text: out + text.slice(at), findings };
}
