import { RULES, type RuleId } from '@kanjian/shared';
import { locale } from '../i18n/use-i18n';

/** A rule's title from the shared catalogue, in the current language; unknown ids are shown as they are. */
export function ruleTitle(ruleId: string): string {
  const def = (RULES as Record<string, (typeof RULES)[RuleId] | undefined>)[ruleId];
  if (!def) return '';
  return locale.value === 'en' ? def.title.en : def.title.zh;
}
