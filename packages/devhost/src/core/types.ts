// The slice of the `@azure/functions-core` contract the devhost plays. The package ships no typings
// for it, so the shapes are declared here from the worker's RPC protocol.

export type RpcTypedData =
  | { string: string }
  | { json: string }
  | { bytes: Uint8Array }
  | { http: RpcHttpData }
  | { int: number }
  | { double: number };

export interface RpcHttpCookie {
  name: string;
  value: string;
  domain?: { value?: string } | null;
  path?: { value?: string } | null;
  expires?: { value?: { seconds?: number; nanos?: number } } | null;
  secure?: { value?: boolean } | null;
  httpOnly?: { value?: boolean } | null;
  sameSite?: 'none' | 'lax' | 'strict' | 'explicitNone';
  maxAge?: { value?: number } | null;
}

export interface RpcNullableString {
  value?: string;
}

export interface RpcHttpData {
  method?: string;
  url?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  params?: Record<string, string>;
  nullableHeaders?: Record<string, RpcNullableString>;
  nullableQuery?: Record<string, RpcNullableString>;
  nullableParams?: Record<string, RpcNullableString>;
  body?: { bytes?: Uint8Array; string?: string } | null;
  statusCode?: string;
  cookies?: RpcHttpCookie[];
}

export interface RpcBindingInfo {
  type: string;
  direction: 'in' | 'out' | 'inout';
  [prop: string]: unknown;
}

export interface FunctionMetadata {
  name: string;
  functionId?: string;
  bindings: Record<string, RpcBindingInfo>;
  retryOptions?: unknown;
}

export type FunctionCallback = (...args: unknown[]) => unknown;

export interface InvocationRequest {
  invocationId: string;
  functionId: string;
  inputData: { name: string; data: RpcTypedData | undefined }[];
  triggerMetadata?: Record<string, RpcTypedData>;
  retryContext?: { retryCount: number; maxRetryCount: number };
}

export interface CoreInvocationContext {
  invocationId: string;
  request: InvocationRequest;
  metadata: FunctionMetadata;
  state?: string;
  log(level: LogLevel, category: 'user' | 'system', message: string): void;
}

export interface InvocationResponse {
  invocationId: string;
  outputData?: { name: string; data: RpcTypedData | null | undefined }[];
  returnValue?: RpcTypedData | null;
}

export interface InvocationModel {
  getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
  invokeFunction(context: unknown, inputs: unknown[], callback: FunctionCallback): Promise<unknown>;
  getResponse(context: unknown, result: unknown): Promise<InvocationResponse>;
}

export interface ProgrammingModel {
  name: string;
  version: string;
  getInvocationModel(coreCtx: CoreInvocationContext): InvocationModel;
  getCapabilities?(capabilities: Record<string, string>): Promise<Record<string, string>> | Record<string, string>;
}

export type LogLevel = 'trace' | 'debug' | 'information' | 'warning' | 'error' | 'critical' | 'none';
export type HookName = 'preInvocation' | 'postInvocation' | 'appStart' | 'appTerminate' | 'log';
// The library's hook contexts differ per hook; the registry only stores and calls them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type HookCallback = (context: any) => void | Promise<void>;

export interface Disposable {
  dispose(): void;
}
