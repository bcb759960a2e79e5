/** People get aligned columns; scripts pass --json and get one JSON document on stdout. */
export interface OutputOptions {
  json?: boolean;
}

export function printRecords(records: Record<string, unknown>[], options: OutputOptions): void {
  if (options.json) {
    process.stdout.write(`${JSON.stringify(records, null, 2)}\n`);
    return;
  }
  if (records.length === 0) {
    process.stdout.write("(none)\n");
    return;
  }
  const columns = Object.keys(records[0]!);
  const cell = (value: unknown) => (value === null || value === undefined ? "-" : String(value));
  const widths = columns.map((column) =>
    Math.max(column.length, ...records.map((record) => cell(record[column]).length)),
  );
  const line = (values: string[]) =>
    values
      .map((value, i) => value.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  process.stdout.write(`${line(columns)}\n`);
  for (const record of records)
    process.stdout.write(`${line(columns.map((column) => cell(record[column])))}\n`);
}

export function printRecord(record: Record<string, unknown>, options: OutputOptions): void {
  if (options.json) {
    process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
    return;
  }
  const width = Math.max(...Object.keys(record).map((key) => key.length));
  for (const [key, value] of Object.entries(record)) {
    process.stdout.write(
      `${key.padEnd(width)}  ${value === null || value === undefined ? "-" : String(value)}\n`,
    );
  }
}
