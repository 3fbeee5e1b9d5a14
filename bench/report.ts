/** Prints a benchmark table: measured figures beside the baseline they are compared with. */
export interface Row {
  name: string;
  value: number;
  unit: string;
  baseline?: number;
  baselineLabel?: string;
  /** true when smaller is better (times, bytes) */
  lowerIsBetter?: boolean;
}

export function printTable(title: string, rows: Row[]): void {
  console.log(`\n## ${title}`);
  console.log('| measure | value | baseline | ratio |');
  console.log('|---|---:|---:|---:|');
  for (const r of rows) {
    const ratio = r.baseline ? (r.lowerIsBetter ? r.baseline / r.value : r.value / r.baseline) : undefined;
    console.log(
      `| ${r.name} | ${fmt(r.value)} ${r.unit} | ${r.baseline !== undefined ? `${fmt(r.baseline)} ${r.unit}${r.baselineLabel ? ` (${r.baselineLabel})` : ''}` : '—'} | ${ratio !== undefined ? `${ratio.toFixed(1)}×` : '—'} |`,
    );
  }
}

function fmt(v: number): string {
  return v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1);
}
