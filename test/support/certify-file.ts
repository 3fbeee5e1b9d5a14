// Certifies a built image file the way the unit tests do: ranged reads of the sparse file.
import { certifyDisk, CertifyOptions, CheckRow, DiskReport } from '../../domain/image/certify';
import { BuiltImage, openFile } from './image-fixtures';

export const NOW = new Date('2025-03-01T12:00:00Z');

export async function certifyBuilt(img: BuiltImage, opts: Partial<CertifyOptions> = {}): Promise<DiskReport> {
  const src = await openFile(img.path);
  try {
    return await certifyDisk(src, { role: 'os', now: NOW, ...opts });
  } finally {
    await src.close();
  }
}

export const failing = (rows: CheckRow[]): CheckRow[] => rows.filter((r) => r.result === 'fail');
export const notPassing = (rows: CheckRow[]): CheckRow[] => rows.filter((r) => r.result !== 'pass');
export const rowOf = (rows: CheckRow[], id: string): CheckRow => {
  const r = rows.find((x) => x.id === id);
  if (!r) throw new Error(`no ${id} row in ${rows.map((x) => x.id).join(', ')}`);
  return r;
};
