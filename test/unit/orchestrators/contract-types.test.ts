// The publishing contract is enforced by the compiler: orchestrators call activities through one
// typed helper, so a wrong name or input does not compile. The @ts-expect-error lines below are
// checked by `npm run build` (tsconfig includes test/): each must be an error, or the build fails.
import ts from 'typescript';
import path from 'node:path';
import type { ActivityName } from '../../../domain/publishing/contract';
import { ACTIVITY, PublishRef } from '../../../domain/publishing/stages';
import type { ActivityCaller } from '../../../orchestrators/activity-caller';

export function typeChecks(call: ActivityCaller['call'], ref: PublishRef): void {
  call('validatePrerequisites', ref);
  call('copyImageToRegion', { ...ref, region: 'eastus', total: 2 });
  // @ts-expect-error a stage activity takes a PublishRef, not a string
  call('validatePrerequisites', 'contoso/vm');
  // @ts-expect-error copyImageToRegion needs its region and the region count
  call('copyImageToRegion', ref);
  // @ts-expect-error no such activity
  call('copyImage', ref);
  // @ts-expect-error an e-mail kind outside the catalogue
  call('sendPublishEmail', { ...ref, kind: 'hello', to: [] });
  // @ts-expect-error Go Live names the sign-off operation
  call('goLive', ref);
}

test('the contract and the stage catalogue name the same activities', () => {
  const names: ActivityName[] = Object.values(ACTIVITY);
  expect(names.sort()).toEqual(Object.keys(ACTIVITY).sort());
});

test('a wrong activity input is a compile error (checked here with the compiler itself)', () => {
  const root = path.resolve(__dirname, '../../..');
  const file = path.join(root, 'orchestrators', '__contract_probe__.ts');
  const source = `import { activityCaller } from './activity-caller';\nexport function probe(c: Parameters<typeof activityCaller>[0], r: Parameters<typeof activityCaller>[1]) { activityCaller(c, r).call('certifyImage', { publisherId: 'p', offerId: 'o', version: '1', operationId: 'x' }); }\n`;
  const host = ts.createCompilerHost({
    strict: true,
    esModuleInterop: true,
    skipLibCheck: true,
    module: ts.ModuleKind.CommonJS,
    target: ts.ScriptTarget.ES2022,
  });
  const read = host.readFile.bind(host);
  host.readFile = (f) => (path.resolve(f) === file ? source : read(f));
  const exists = host.fileExists.bind(host);
  host.fileExists = (f) => path.resolve(f) === file || exists(f);
  const program = ts.createProgram(
    [file],
    {
      strict: true,
      esModuleInterop: true,
      skipLibCheck: true,
      noEmit: true,
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      types: ['node'],
    },
    host,
  );
  const errors = ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && path.resolve(d.file.fileName) === file)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  expect(errors.join('\n')).toMatch(/Type 'string' is not assignable to type 'number'/);
});
