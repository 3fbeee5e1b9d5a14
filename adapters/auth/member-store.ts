// The publisher's users and service principals and their roles, managed by its Owners. Stored
// twice: by publisher (`PublisherMembers`, PartitionKey = publisher, RowKey = object id), the row
// every request's role check reads with one point read; and by principal (`MemberPublishers`,
// PartitionKey = object id), so a person who signed in can be shown their publishers without a scan.
// The by-publisher row decides; the other is written first and removed last, so it may list a
// publisher briefly after removal but never misses one a check would allow.
import type { Role } from '../../domain/auth/roles';
import { isNotFound, table } from '../storage/connection';
import { TABLE } from '../storage/table-names';

export type MemberKind = 'user' | 'servicePrincipal';

export interface Member {
  publisherId: string;
  /** Entra ID object id (`oid`), lowercase. */
  objectId: string;
  kind: MemberKind;
  role: Role;
  displayName?: string;
  /** Who added or last changed the member (a principal id). */
  changedBy: string;
  changedTime: string;
}

interface MemberEntity {
  partitionKey: string;
  rowKey: string;
  Kind: MemberKind;
  Role: Role;
  DisplayName?: string;
  ChangedBy: string;
  ChangedTime: string;
}

function fromEntity(e: MemberEntity): Member {
  return {
    publisherId: e.partitionKey,
    objectId: e.rowKey,
    kind: e.Kind,
    role: e.Role,
    displayName: e.DisplayName || undefined,
    changedBy: e.ChangedBy,
    changedTime: e.ChangedTime,
  };
}

export class MemberStore {
  async get(publisherId: string, objectId: string): Promise<Member | undefined> {
    const t = await table(TABLE.publisherMembers);
    try {
      return fromEntity(await t.getEntity<MemberEntity>(publisherId, objectId));
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async list(publisherId: string): Promise<Member[]> {
    const t = await table(TABLE.publisherMembers);
    const out: Member[] = [];
    const filter = `PartitionKey eq '${publisherId.replace(/'/g, "''")}'`;
    for await (const e of t.listEntities<MemberEntity>({ queryOptions: { filter } })) out.push(fromEntity(e));
    return out;
  }

  /** The publishers an object id belongs to, with its role in each. */
  async publishersOf(objectId: string): Promise<{ publisherId: string; role: Role }[]> {
    const index = await table(TABLE.memberPublishers);
    const filter = `PartitionKey eq '${objectId.replace(/'/g, "''")}'`;
    const out: { publisherId: string; role: Role }[] = [];
    for await (const e of index.listEntities<{ rowKey: string }>({ queryOptions: { filter } })) {
      // The index only points; the by-publisher row is the truth (and may have been removed).
      const m = await this.get(e.rowKey, objectId);
      if (m) out.push({ publisherId: m.publisherId, role: m.role });
    }
    return out;
  }

  /** Adds or changes a member; true when it was new. */
  async put(m: Member): Promise<boolean> {
    const existed = (await this.get(m.publisherId, m.objectId)) !== undefined;
    const index = await table(TABLE.memberPublishers);
    await index.upsertEntity({ partitionKey: m.objectId, rowKey: m.publisherId }, 'Replace');
    const t = await table(TABLE.publisherMembers);
    const entity: MemberEntity = {
      partitionKey: m.publisherId,
      rowKey: m.objectId,
      Kind: m.kind,
      Role: m.role,
      DisplayName: m.displayName ?? '',
      ChangedBy: m.changedBy,
      ChangedTime: m.changedTime,
    };
    await t.upsertEntity(entity, 'Replace');
    return !existed;
  }

  /** Removes a member; false when there was none. */
  async remove(publisherId: string, objectId: string): Promise<boolean> {
    const t = await table(TABLE.publisherMembers);
    let removed = true;
    try {
      await t.deleteEntity(publisherId, objectId);
    } catch (e) {
      if (!isNotFound(e)) throw e;
      removed = false;
    }
    const index = await table(TABLE.memberPublishers);
    await index.deleteEntity(objectId, publisherId).catch((e: unknown) => {
      if (!isNotFound(e)) throw e;
    });
    return removed;
  }
}
