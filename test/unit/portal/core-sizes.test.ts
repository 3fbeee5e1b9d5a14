// The portal's pricing section lists the core sizes of "Customized core pricing" for its price
// grid; the API's schema (domain/offer/pricing-schema.ts) is what judges them. The portal is plain
// browser ES modules (jest here runs CommonJS), so its list is read from the source with the
// TypeScript parser: the `CORE_SIZES` declaration must be an array of string literals, equal to
// the domain's, so the two cannot drift apart.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { CORE_SIZES } from '../../../domain/offer/pricing-schema';

const PORTAL_PRICING = path.resolve(__dirname, '../../../portal/static/js/views/offer-sections/pricing.js');

/** The string literals of `const <name> = [...]` in a JS module. */
function stringArrayConst(file: string, name: string): string[] {
  const source = ts.createSourceFile(
    file,
    fs.readFileSync(file, 'utf8'),
    ts.ScriptTarget.ES2022,
    true,
    ts.ScriptKind.JS,
  );
  const found: ts.Expression[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === name && node.initializer)
      found.push(node.initializer);
    ts.forEachChild(node, visit);
  };
  visit(source);
  if (found.length !== 1)
    throw new Error(`${path.basename(file)}: expected one declaration of ${name}, found ${found.length}.`);
  const init = found[0];
  if (!ts.isArrayLiteralExpression(init)) throw new Error(`${path.basename(file)}: ${name} is not an array literal.`);
  return init.elements.map((e) => {
    if (!ts.isStringLiteral(e) && !ts.isNoSubstitutionTemplateLiteral(e))
      throw new Error(`${path.basename(file)}: ${name} has a non-string element: ${e.getText(source)}`);
    return e.text;
  });
}

test('the portal pricing section lists the same core sizes, in the same order, as the domain schema', () => {
  const portal = stringArrayConst(PORTAL_PRICING, 'CORE_SIZES');
  expect(portal).toEqual([...CORE_SIZES]);
  expect(new Set(portal).size).toBe(portal.length);
});

test('the portal list is the exported one (what the price grid is built from)', () => {
  const text = fs.readFileSync(PORTAL_PRICING, 'utf8');
  expect(text).toMatch(/export const CORE_SIZES = \[/);
  expect(text).toMatch(/CORE_SIZES\.map\(/);
});
