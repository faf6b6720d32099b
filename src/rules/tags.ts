import { hit, type Rule, type RuleHit } from './rule';

/** Tags lustreform adds to a resource at most: lustreform:blueprint, :site, :filesystem or :bucket, and Name. */
export const OWN_TAGS = 4;
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export const tagRules: Rule[] = [
  {
    id: 'TAG001',
    severity: 'error',
    summary: 'Blueprint tags break AWS tag limits (50 per resource with ours, characters, reserved aws: and lustreform: prefixes).',
    check: ({ tags }) => {
      const out: RuleHit[] = [];
      const keys = Object.keys(tags);
      if (keys.length > 50 - OWN_TAGS) out.push(hit(['tags'], `${keys.length} tags; at most ${50 - OWN_TAGS} fit next to the ${OWN_TAGS} lustreform adds (AWS allows 50)`));
      for (const k of keys) {
        if (/^aws:/i.test(k)) out.push({ path: ['tags', k], atKey: true, message: `'${k}': the aws: prefix is reserved by AWS; rename the tag` });
        else if (/^lustreform:/i.test(k)) out.push({ path: ['tags', k], atKey: true, message: `'${k}': lustreform: tags are set by lustreform; rename the tag` });
        else if (!TAG_CHARS.test(k)) out.push({ path: ['tags', k], atKey: true, message: `'${k}' has characters AWS tags do not allow; use letters, digits, spaces and _ . : / = + - @` });
        if (!TAG_CHARS.test(tags[k])) out.push(hit(['tags', k], `the value has characters AWS tags do not allow; use letters, digits, spaces and _ . : / = + - @`));
      }
      return out;
    },
  },
];
