import { constants } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { CliError } from './api';

/** Why a file cannot be read, in a few words (from a Node file-system error). */
function reasonOf(error: unknown): string {
  switch ((error as NodeJS.ErrnoException)?.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    default:
      return (error as Error)?.message ?? String(error);
  }
}

/** The one-line error (exit 2) for an input file that cannot be read. */
export const unreadable = (file: string, error: unknown) => new CliError(`Cannot read ${file}: ${reasonOf(error)}`, 2);

/** A file-system error (missing, unreadable or a directory), as a Node call reports it. */
export const isFileError = (error: unknown): error is NodeJS.ErrnoException =>
  typeof (error as NodeJS.ErrnoException)?.code === 'string' && ['ENOENT', 'EACCES', 'EPERM', 'EISDIR', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code!);

/** Refuses, before anything is sent, an input file that is missing, unreadable or not a file. */
export async function checkReadable(file: string): Promise<void> {
  try {
    await access(file, constants.R_OK);
    if ((await stat(file)).isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
  } catch (error) {
    throw unreadable(file, error);
  }
}

/** An input file's content, or the one-line error (exit 2). */
export async function readInput(file: string): Promise<Buffer> {
  await checkReadable(file);
  return readFile(file).catch((error: unknown) => {
    throw unreadable(file, error);
  });
}

/** A JSON or YAML file (by its extension), parsed; a usage error (exit 2) naming the file when it is neither. */
export async function readJsonOrYaml(file: string): Promise<unknown> {
  const text = (await readInput(file)).toString('utf8');
  const yaml = /\.ya?ml$/i.test(file);
  try {
    return yaml ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new CliError(`${file} is not valid ${yaml ? 'YAML' : 'JSON'}: ${(error as Error).message}`, 2);
  }
}
