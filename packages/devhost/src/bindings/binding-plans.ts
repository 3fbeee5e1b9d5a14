// Reads every function's bindings once, at start-up: which the devhost plays, how (a plan per
// storage binding, with its `%setting%` values resolved, its templates parsed and its connection
// resolved), and which it cannot. A binding the devhost cannot play is refused before anything runs,
// naming the function and the binding, instead of being dropped silently at every invocation.
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { RegisteredFunction } from '../core/registry';
import { RpcBindingInfo } from '../core/types';
import { resolvePlaceholders } from '../triggers/settings';
import { BindingTemplate } from './binding-expressions';
import { blobService, queueService, requireService, resolveConnection, StorageConnection } from './connections';

/** Triggers the devhost listens for (the storage and HTTP ones here, the Durable ones in durable/). */
const TRIGGERS = new Set(
  [
    'httpTrigger',
    'queueTrigger',
    'blobTrigger',
    'timerTrigger',
    'eventGridTrigger',
    'orchestrationTrigger',
    'activityTrigger',
    'entityTrigger',
  ].map((t) => t.toLowerCase()),
);
/** Inputs the host itself supplies elsewhere (the durable client binding, host.ts). */
const HOST_INPUTS = new Set(['durableclient', 'orchestrationclient']);

interface PlanBase {
  /** The binding's name in the function metadata (`$return` for the return value). */
  name: string;
  /** How messages name it: `output 'blobOutput1a2b' (blob 'backups/{backupPath}')`. */
  label: string;
  connection: StorageConnection;
}
export type BindingPlan =
  | (PlanBase & { kind: 'blobIn'; path: BindingTemplate; dataType: 'string' | 'binary'; blobs: BlobServiceClient })
  | (PlanBase & { kind: 'blobOut'; path: BindingTemplate; blobs: BlobServiceClient })
  | (PlanBase & { kind: 'queueOut'; queueName: BindingTemplate; queues: QueueServiceClient })
  | (PlanBase & { kind: 'tableIn'; table: TableTemplates; take?: number; filter?: BindingTemplate })
  | (PlanBase & { kind: 'tableOut'; table: TableTemplates });

export interface TableTemplates {
  tableName: BindingTemplate;
  partitionKey?: BindingTemplate;
  rowKey?: BindingTemplate;
}

export interface CompiledBindings {
  plans: Map<RegisteredFunction, BindingPlan[]>;
  errors: string[];
}

export function compileBindings(functions: Iterable<RegisteredFunction>, env = process.env): CompiledBindings {
  const plans = new Map<RegisteredFunction, BindingPlan[]>();
  const errors: string[] = [];
  for (const fn of functions) {
    const list: BindingPlan[] = [];
    const triggerType = fn.trigger.type.toLowerCase();
    for (const [name, b] of Object.entries(fn.metadata.bindings)) {
      const where = `function '${fn.metadata.name}'`;
      const role =
        name === fn.triggerName
          ? 'trigger'
          : name === '$return'
            ? 'return value'
            : b.direction === 'in'
              ? 'input'
              : 'output';
      const refuse = (why = 'is not supported by the devhost') =>
        errors.push(`${where}: binding '${b.type}' (${role}${name === '$return' ? '' : ` '${name}'`}) ${why}`);
      const type = String(b.type).toLowerCase();
      if (name === fn.triggerName) {
        if (!TRIGGERS.has(type)) refuse();
        continue;
      }
      if (b.direction === 'in' && HOST_INPUTS.has(type)) continue;
      if (b.direction === 'out' && type === 'http') {
        if (triggerType !== 'httptrigger') refuse('is only supported on an HTTP-triggered function');
        continue;
      }
      const supported =
        (b.direction === 'in' && (type === 'blob' || type === 'table')) ||
        (b.direction === 'out' && (type === 'blob' || type === 'queue' || type === 'table'));
      if (!supported) {
        refuse();
        continue;
      }
      if ((b.properties as { supportsDeferredBinding?: string } | undefined)?.supportsDeferredBinding === 'true') {
        refuse('asks for an SDK-type binding (sdkBinding: true), which the devhost does not support');
        continue;
      }
      try {
        list.push(compileOne(name, b, role, env));
      } catch (e) {
        errors.push(`${where}: ${role}${name === '$return' ? '' : ` '${name}'`} (${b.type}): ${(e as Error).message}`);
      }
    }
    if (list.length) plans.set(fn, list);
  }
  return { plans, errors };
}

function compileOne(name: string, b: RpcBindingInfo, role: string, env: NodeJS.ProcessEnv): BindingPlan {
  const type = b.type.toLowerCase();
  const text = (prop: string, required: boolean): string | undefined => {
    const v = b[prop];
    if (v === undefined || v === null || v === '') {
      if (required) throw new Error(`the binding has no '${prop}'.`);
      return undefined;
    }
    if (typeof v !== 'string' && typeof v !== 'number') throw new Error(`'${prop}' must be a string.`);
    return resolvePlaceholders(String(v), env);
  };
  const template = (prop: string, required: boolean): BindingTemplate | undefined => {
    const v = text(prop, required);
    return v === undefined ? undefined : BindingTemplate.parse(v);
  };
  const connection = resolveConnection(b.connection, env);
  if (type === 'blob') {
    requireService(connection, 'blob');
    const path = template('path', true)!;
    const label = `${role} '${name}' (blob '${path.pattern}')`;
    const blobs = blobService(connection);
    if (b.direction === 'out') return { kind: 'blobOut', name, label, connection, path, blobs };
    const dataType =
      typeof b.dataType === 'string' ? b.dataType.toLowerCase() : b.dataType === undefined ? 'string' : '';
    if (!['string', 'binary', 'stream'].includes(dataType))
      throw new Error(`dataType ${JSON.stringify(b.dataType)} is not one of string, binary, stream.`);
    return {
      kind: 'blobIn',
      name,
      label,
      connection,
      path,
      blobs,
      dataType: dataType === 'string' ? 'string' : 'binary',
    };
  }
  if (type === 'queue') {
    requireService(connection, 'queue');
    const queueName = template('queueName', true)!;
    return {
      kind: 'queueOut',
      name,
      label: `${role} '${name}' (queue '${queueName.pattern}')`,
      connection,
      queueName,
      queues: queueService(connection),
    };
  }
  requireService(connection, 'table');
  const table: TableTemplates = {
    tableName: template('tableName', true)!,
    partitionKey: template('partitionKey', false),
    rowKey: template('rowKey', false),
  };
  const label = `${role} '${name}' (table '${table.tableName.pattern}')`;
  if (b.direction === 'out') return { kind: 'tableOut', name, label, connection, table };
  const takeText = text('take', false);
  const take = takeText === undefined ? undefined : Number(takeText);
  if (take !== undefined && (!Number.isInteger(take) || take < 0))
    throw new Error(`'take' must be a whole number, not '${takeText}'.`);
  const filter = template('filter', false);
  if (table.rowKey && (take || filter)) throw new Error(`'rowKey' can't be used with 'take' or 'filter'.`);
  return { kind: 'tableIn', name, label, connection, table, take, filter };
}
