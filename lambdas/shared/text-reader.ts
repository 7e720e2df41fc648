import { comprehendReader } from '../adapters/comprehend-reader';
import { builtinReader } from '../domain/comments/reading/builtin-reader';
import type { TextReader } from '../domain/comments/ports';

/**
 * The stack's comment reader: built in (the default, here and in AWS) or Amazon Comprehend with
 * `-c textAnalytics=comprehend`. Only the functions that read comments import this module, so the ingest
 * handlers never load the sentiment model.
 */
export const textReader = (): TextReader => (process.env.TEXT_ANALYTICS === 'comprehend' ? comprehendReader() : builtinReader);
