import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../../../bin/cli/api';
import { checkReadable, readInput } from '../../../bin/cli/files';
import { csvRows } from '../../../bin/cli/rows';

const dir = mkdtempSync(join(tmpdir(), 'cx-cli-files-'));

/** What a call threw: a CliError's message and exit code. */
async function refusal(run: () => Promise<unknown>) {
  try {
    await run();
  } catch (error) {
    return error instanceof CliError ? { message: error.message, exitCode: error.exitCode } : { unexpected: error };
  }
  return 'nothing thrown';
}

const rowsOf = async (file: string) => {
  const rows = [];
  for await (const row of csvRows(file, () => undefined)) rows.push(row);
  return rows;
};

describe('input files of the CLI', () => {
  it('refuses a missing file or a directory with a one-line usage error (exit 2)', async () => {
    const missing = join(dir, 'missing.csv');
    expect(await refusal(() => checkReadable(missing))).toEqual({ message: `Cannot read ${missing}: no such file`, exitCode: 2 });
    expect(await refusal(() => readInput(missing))).toEqual({ message: `Cannot read ${missing}: no such file`, exitCode: 2 });
    expect(await refusal(() => checkReadable(dir))).toEqual({ message: `Cannot read ${dir}: it is a directory`, exitCode: 2 });
  });

  it('ends the CSV rows with that error instead of an unhandled stream error', async () => {
    const missing = join(dir, 'gone.csv');
    expect(await refusal(() => rowsOf(missing))).toEqual({ message: `Cannot read ${missing}: no such file`, exitCode: 2 });
    expect(await refusal(() => rowsOf(dir))).toEqual({ message: `Cannot read ${dir}: it is a directory`, exitCode: 2 });
  });

  it('reads a readable file', async () => {
    const file = join(dir, 'ok.csv');
    writeFileSync(file, 'customerId,name\nc-1,Ann\n');
    await expect(checkReadable(file)).resolves.toBeUndefined();
    expect((await readInput(file)).toString('utf8')).toContain('c-1');
    expect(await rowsOf(file)).toEqual([{ row: 2, fields: { customerId: 'c-1', name: 'Ann' } }]);
  });
});
