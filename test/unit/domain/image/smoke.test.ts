import { buildImage, openFile, tempDir } from '../../../support/image-fixtures';
import { BlockSource } from '../../../../domain/image/block-source';
import { sliceSource } from '../../../../domain/image/byte-source';
import { readPartitionTable } from '../../../../domain/image/partitions';
import { Ext4 } from '../../../../domain/image/ext4';

test('smoke', async () => {
  const dir = tempDir();
  const t0 = Date.now();
  const img = buildImage(dir, 'ok');
  console.log('build ms', Date.now() - t0, img);
  const f = await openFile(img.path);
  const src = new BlockSource(f);
  const disk = sliceSource(src, 0, f.size - 512, 'disk');
  const pt = await readPartitionTable(disk);
  console.log(pt);
  const p = pt.partitions[0];
  const fsx = await Ext4.open(sliceSource(disk, p.startLba * 512, p.sectors * 512));
  console.log(fsx.sb);
  console.log((await fsx.readText('/etc/os-release')));
  console.log(await fsx.stat('/bin/sh'), await fsx.readRange('/bin/sh', 0, 20));
  console.log(await fsx.readdir('/home'));
  await fsx.walk('/', (e) => { if (e.depth < 3) console.log(e.path, e.type, e.size); }, {});
  console.log(src.stats);
});
