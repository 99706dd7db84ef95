export type Language = 'fr' | 'en';
export const LANGUAGES: readonly Language[] = ['fr', 'en'];
export const DEFAULT_LANGUAGE: Language = 'fr';

export type Localized = Readonly<Record<Language, string>>;

/** Picks French or English from an Accept-Language header, honouring q-values (RFC 9110 §12.5.4). */
export function negotiateLanguage(header: string | undefined): Language {
  if (!header) return DEFAULT_LANGUAGE;
  let best: Language | undefined;
  let bestQ = 0;
  for (const part of header.split(',').slice(0, 20)) {
    const [rawTag, ...params] = part.trim().split(';');
    const tag = rawTag.trim().toLowerCase();
    const qParam = params.find((p) => p.trim().startsWith('q='));
    const q = qParam ? Number(qParam.trim().slice(2)) : 1;
    if (!Number.isFinite(q) || q <= bestQ) continue;
    const primary = tag.split('-')[0];
    if (primary === 'fr' || primary === 'en') {
      best = primary;
      bestQ = q;
    } else if (tag === '*' && !best) {
      best = DEFAULT_LANGUAGE;
      bestQ = q;
    }
  }
  return best ?? DEFAULT_LANGUAGE;
}
