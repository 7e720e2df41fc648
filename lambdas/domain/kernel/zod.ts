/**
 * The schemas use `zod/mini`, the tree-shakable build of zod (about a fifth of classic zod in a bundle). Unlike
 * classic zod it loads no locale, so every module that defines or parses a schema imports this one, which sets
 * the English messages once. Only the English locale is bundled.
 */
import { config } from 'zod/mini';
import { en } from 'zod/locales';

config(en());
