// Counts the two figures issue 24 tracks across src/: type assertions (`x as T`, `<T>x`; `as const` is
// not an assertion of a type the compiler cannot see, so it is left out) and functions declared with
// five or more positional parameters. Read by the parser, not by grep, so comments and strings do not count.
//   npx tsx scripts/code-counts.ts [--list] [folder]
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import ts from 'typescript';
import { globSync } from 'tinyglobby';

interface Counts {
  casts: number;
  longParameterLists: string[];
  files: number;
  lines: number;
}

function isConstAssertion(node: ts.AsExpression | ts.TypeAssertion): boolean {
  return ts.isTypeReferenceNode(node.type) && node.type.typeName.getText() === 'const';
}

function functionName(node: ts.SignatureDeclaration): string {
  if (node.name) return node.name.getText();
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) return parent.name.getText();
  return '(anonymous)';
}

function countFile(path: string, counts: Counts): void {
  const text = readFileSync(path, 'utf8');
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  counts.files += 1;
  counts.lines += text.split('\n').length;
  const visit = (node: ts.Node): void => {
    if ((ts.isAsExpression(node) || ts.isTypeAssertionExpression(node)) && !isConstAssertion(node)) counts.casts += 1;
    if (ts.isFunctionLike(node) && node.parameters.length >= 5 && !ts.isFunctionTypeNode(node)) {
      const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
      counts.longParameterLists.push(
        `${relative(process.cwd(), path)}:${line} ${functionName(node)} (${node.parameters.length})`,
      );
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}

const args = process.argv.slice(2);
const list = args.includes('--list');
const folder = args.find((arg) => !arg.startsWith('--')) ?? 'src';
const counts: Counts = { casts: 0, longParameterLists: [], files: 0, lines: 0 };
for (const path of globSync(`${folder}/**/*.ts`, { ignore: ['**/*.d.ts'] }).sort()) countFile(path, counts);
console.log(
  `${folder}: ${counts.files} files, ${counts.lines} lines · ${counts.casts} type assertions · ` +
    `${counts.longParameterLists.length} functions with five or more positional parameters`,
);
if (list) for (const entry of counts.longParameterLists) console.log(`  ${entry}`);
