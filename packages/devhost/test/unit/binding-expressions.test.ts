// Binding expressions and connection settings, as the WebJobs SDK and the Storage extension resolve them
// (BindingTemplateToken / BindingDataPathHelper in Azure/azure-webjobs-sdk,
// src/Microsoft.Azure.WebJobs.Host/Bindings; TableFilterFormatter and StorageClientProvider in
// Azure/azure-sdk-for-net, sdk/tables/… and sdk/storage/Microsoft.Azure.WebJobs.Extensions.Storage.Common).
import { bindFilter, BindingTemplate, formatDate, systemBindingData } from '../../src/bindings/binding-expressions';
import { resolveConnection } from '../../src/bindings/connections';

const bind = (pattern: string, data: Record<string, unknown>) => BindingTemplate.parse(pattern).bind(data);

describe('binding templates', () => {
  test('names are looked up case-insensitively, dotted paths walk objects, values print as .NET prints them', () => {
    const data = { Customer: 'c1', order: { Id: 7, rush: true, lines: [1] } };
    expect(bind('o/{customer}/{order.id}-{ORDER.Rush}', data)).toBe('o/c1/7-True');
    // Objects and arrays print as nothing.
    expect(bind('x{order}y{order.lines}z', data)).toBe('xyz');
  });

  test('a missing name or property fails with the SDK message', () => {
    expect(() => bind('{nope}', {})).toThrow("No value for named parameter 'nope'.");
    expect(() => bind('{order.missing}', { order: {} })).toThrow(
      "Error while accessing 'missing': property doesn't exist.",
    );
  });

  test('built-ins: rand-guid with .NET formats, datetime with custom formats; binding data wins over them', () => {
    expect(bind('{rand-guid}', {})).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(bind('{rand-guid:N}', {})).toMatch(/^[0-9a-f]{32}$/);
    expect(bind('{datetime:yyyy}', {})).toBe(String(new Date().getUTCFullYear()));
    expect(bind('{datetime}', { datetime: 'mine' })).toBe('mine');
    expect(bind('{sys.methodname}', { sys: systemBindingData('copyFile') })).toBe('copyFile');
  });

  test('dates: the default format yyyy-MM-ddTHH-mm-ssK, custom and standard formats, quoted literals', () => {
    const d = new Date(Date.UTC(2024, 2, 5, 7, 8, 9, 123));
    expect(formatDate(d, 'yyyy-MM-ddTHH-mm-ssK')).toBe('2024-03-05T07-08-09Z');
    expect(formatDate(d, "yy/M/d 'at' h:mm tt fff")).toBe('24/3/5 at 7:08 AM 123');
    expect(formatDate(d, 'o')).toBe('2024-03-05T07:08:09.1230000Z');
  });

  test('syntax errors are found when the template is parsed', () => {
    expect(() => BindingTemplate.parse('a/{b')).toThrow("'{' is never closed");
    expect(() => BindingTemplate.parse('a/{b c}')).toThrow('is not a valid expression');
    expect(() => BindingTemplate.parse('{my-name}')).toThrow("the parameter name 'my-name' is invalid");
  });
});

describe('table filters', () => {
  const filter = (pattern: string, data: Record<string, unknown>) => bindFilter(BindingTemplate.parse(pattern), data);

  test('a quoted parameter has its quotes doubled; an unquoted one must be a number or a boolean', () => {
    expect(filter("Name eq '{name}'", { name: "O'Hara" })).toBe("Name eq 'O''Hara'");
    expect(filter('Amount ge {min}', { min: '10' })).toBe('Amount ge 10');
    expect(() => filter('Amount ge {min}', { min: '1 or true' })).toThrow(
      "An invalid parameter value was specified for filter parameter 'min'.",
    );
  });

  test('a filter that is one expression binds as it is', () => {
    expect(filter('{q}', { q: "Name eq 'x' or true" })).toBe("Name eq 'x' or true");
  });
});

describe('connections', () => {
  const cs =
    'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=k;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;';

  test('AzureWebJobs<name> is tried before <name>; an empty name is AzureWebJobsStorage', () => {
    expect(resolveConnection('Orders', { AzureWebJobsOrders: cs, Orders: 'other' })).toMatchObject({
      setting: 'AzureWebJobsOrders',
      kind: 'connectionString',
    });
    expect(resolveConnection('', { AzureWebJobsStorage: cs })).toMatchObject({ setting: 'AzureWebJobsStorage' });
    expect(resolveConnection(undefined, { azurewebjobsstorage: cs })).toMatchObject({ kind: 'connectionString' });
  });

  test('identity-based: accountName wins over <service>ServiceUri, serviceUri is the fallback', () => {
    const c = resolveConnection('Store', {
      AzureWebJobsStorage: cs,
      Store__queueServiceUri: 'http://127.0.0.1:2/devstoreaccount1',
      Store__serviceUri: 'http://localhost:3/devstoreaccount1',
    });
    expect(c).toMatchObject({
      kind: 'identity',
      endpoints: {
        blob: 'http://localhost:3/devstoreaccount1',
        queue: 'http://127.0.0.1:2/devstoreaccount1',
        table: 'http://localhost:3/devstoreaccount1',
      },
    });
    const byAccount = resolveConnection('Store', {
      AzureWebJobsStorage: cs,
      Store__accountName: 'devstoreaccount1',
      Store__blobServiceUri: 'http://127.0.0.1:9/ignored',
    });
    expect(byAccount).toMatchObject({ endpoints: { blob: 'http://127.0.0.1:1/devstoreaccount1' } });
  });

  test('a missing setting and a non-emulator identity endpoint are refused with messages naming them', () => {
    expect(() => resolveConnection('Nope', {})).toThrow("The storage connection 'Nope' is not configured");
    expect(() => resolveConnection('Store', { Store__accountName: 'contoso' })).toThrow(
      'https://contoso.blob.core.windows.net',
    );
  });
});
