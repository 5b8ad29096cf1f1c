import type { en } from './en.ts';

/** Every key of the English dictionary, each a string: the shape every language must have. */
export type MessageKey = keyof typeof en;
export type Messages = { readonly [K in MessageKey]: string };

/** Keys that have the four plural forms, named without the suffix. */
export type PluralKey = {
  [K in MessageKey]: K extends `${infer Base}.one`
    ? `${Base}.few` extends MessageKey
      ? `${Base}.many` extends MessageKey
        ? `${Base}.other` extends MessageKey
          ? Base
          : never
        : never
      : never
    : never;
}[MessageKey];

export const LANGUAGES = ['en', 'ru'] as const;
export type Language = (typeof LANGUAGES)[number];

export type Vars = Readonly<Record<string, string | number>>;

/** Fills `{name}` placeholders; an unknown placeholder stays visible rather than vanishing. */
export function fill(template: string, vars: Vars | undefined): string {
  if (vars === undefined) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = vars[name];
    return v === undefined ? whole : String(v);
  });
}
