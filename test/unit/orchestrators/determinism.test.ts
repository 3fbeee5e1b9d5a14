// Orchestrators are replayed: any clock, randomness, environment or I/O in them makes a replay take
// a different path. This stands in for a lint rule over orchestrators/**.
import fs from 'node:fs';
import path from 'node:path';

const DIR = path.join(__dirname, '../../../orchestrators');
const FORBIDDEN: [RegExp, string][] = [
  [/\bDate\.now\(|new Date\(\s*\)/, 'the wall clock (use context.df.currentUtcDateTime)'],
  [/Math\.random|randomUUID|crypto\./, 'randomness (use context.df.newGuid)'],
  [/process\.env/, 'environment reads (pass settings in the orchestration input)'],
  [/from ['"](node:)?(fs|http|https|net|child_process|dns)['"]|require\(/, 'I/O modules'],
  [
    /from ['"]\.\.\/(adapters|activities|functions)\//,
    'side-effecting code (orchestrators import domain/ and durable-functions only)',
  ],
  [/\bsetTimeout\(|setInterval\(|fetch\(/, 'timers or network calls (use durable timers and activities)'],
];

const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.ts'));

test('there are orchestrators to check', () => {
  expect(files.length).toBeGreaterThanOrEqual(2);
});

test.each(files)('%s is deterministic', (file) => {
  const text = fs.readFileSync(path.join(DIR, file), 'utf8').replace(/\/\/.*$/gm, '');
  const problems = FORBIDDEN.filter(([re]) => re.test(text)).map(([, why]) => why);
  expect(problems).toEqual([]);
});
