// The portal is plain ES modules typed with JSDoc; portal/tsconfig.json checks them against the
// DOM types (the project's own tsconfig compiles for Node and leaves the portal out).
import path from 'node:path';
import ts from 'typescript';

test('the portal scripts type-check (portal/tsconfig.json, checkJs, strict)', () => {
  const configPath = path.resolve(__dirname, '../../portal/tsconfig.json');
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  expect(config.error).toBeUndefined();
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, path.dirname(configPath));
  expect(parsed.fileNames.length).toBeGreaterThan(10);
  const program = ts.createProgram(parsed.fileNames, parsed.options);
  const problems = ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file
      ? `${path.relative(path.dirname(configPath), d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}`
      : '';
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
  expect(problems).toEqual([]);
});
