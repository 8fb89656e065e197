/** Escaping for the markup reports: model output is untrusted text and never becomes markup. */

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** For HTML text and attribute values, and for XML (JUnit). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML[c] as string);
}

/** XML 1.0 forbids most control characters even when escaped; model output can contain them. */
export function escapeXml(text: string): string {
  return escapeHtml(text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD'));
}

/** A Markdown code fence longer than any backtick run in `text`, so the text cannot close it. */
export function fenced(text: string, info = 'text'): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${info}\n${text}\n${fence}`;
}

const ZWSP = '\u200b';

/**
 * Untrusted text (a case id, a judge's error, a scorer's reason) in a Markdown table cell or line
 * of the PR comment: pipes and newlines would break the row, HTML tags are neutralised, and nothing
 * in it may act — no link or image (`](` broken), no @-mention or e-mail autolink, no bare URL
 * autolink (a zero-width space breaks each, the text still reads the same).
 */
export function mdCell(text: string): string {
  return escapeHtml(text)
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ')
    .replace(/\]\(/g, ']\\(')
    .replace(/@(?=[\w-])/g, `@${ZWSP}`)
    .replace(/\b(https?|ftp)(?=:\/\/)/gi, `$1${ZWSP}`)
    .replace(/\bwww\./gi, (w) => `${w.slice(0, 3)}${ZWSP}.`);
}
