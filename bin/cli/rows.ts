import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { unreadable } from './files';

export interface Row {
  readonly row: number;
  readonly fields: Record<string, string>;
}

/**
 * The rows of a CSV file with a header, read as a stream (files of any size). A row with another number of
 * fields than the header is reported, not read shifted. A file that cannot be read throws a CliError (exit 2).
 */
export async function* csvRows(file: string, misshapen: (row: number, message: string) => void): AsyncGenerator<Row> {
  const input = createReadStream(file);
  const parser = input.pipe(parse({ bom: true, skip_empty_lines: true, info: true, relax_column_count: true }));
  // A read error (missing file, a directory, no permission) ends the rows with a one-line error, not a crash.
  input.once('error', (error) => parser.destroy(unreadable(file, error)));
  let header: string[] | undefined;
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    if (!header) {
      header = record.map((h) => h.trim());
      continue;
    }
    if (record.length !== header.length) {
      misshapen(info.lines, `has ${record.length} fields, the header ${header.length}`);
      continue;
    }
    yield { row: info.lines, fields: Object.fromEntries(header.map((column, i) => [column, record[i]])) };
  }
}

/** Progress on stderr when it is a terminal (so piped output stays clean). */
export function progress(label: string) {
  const tty = process.stderr.isTTY;
  return {
    update: (count: number) => tty && process.stderr.write(`\r${label}: ${count}…`),
    done: () => tty && process.stderr.write('\n'),
  };
}
