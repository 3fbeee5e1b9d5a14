// Every way an ext2/3/4 filesystem can be unreadable, unsupported or hostile, as one error type
// with a code: callers turn it into a failing certification row, tests assert the code.

export type Ext4ErrorCode =
  | 'badSuperblock'
  | 'unsupported'
  | 'badGroupDescriptor'
  | 'badInode'
  | 'badExtentTree'
  /** An extent tree or block map that leads back to a block already visited. */
  | 'extentLoop'
  | 'badBlockMap'
  | 'badDirectory'
  /** A directory that contains one of its own ancestors. */
  | 'directoryLoop'
  | 'symlinkLoop'
  | 'badSymlink'
  | 'fileTooLarge'
  | 'notFound'
  | 'notDirectory'
  | 'notFile'
  | 'pathTooLong'
  | 'tooManyEntries';

export class Ext4Error extends Error {
  constructor(
    readonly code: Ext4ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'Ext4Error';
  }
}

export const isNotFound = (e: unknown): boolean => e instanceof Ext4Error && e.code === 'notFound';
