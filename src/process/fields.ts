import type { Bilingual, FieldSpec, ProcessDefinition } from './definition.ts';

/** Fields most steps share, so a process table names them without describing them again. */
export const COMMON_FIELDS: Record<string, FieldSpec> = {
  comment: { kind: 'textarea', label: { ja: 'コメント', en: 'Comment' }, max: 4000 },
  reason: { kind: 'textarea', label: { ja: '理由', en: 'Reason' }, max: 4000 },
};

/** One input field of an action as the workbench's dialog renders it. */
export interface ActionField extends FieldSpec {
  name: string;
  required: boolean;
}

export function fieldSpec(def: Pick<ProcessDefinition, 'fields'>, name: string): FieldSpec {
  return def.fields?.[name] ?? COMMON_FIELDS[name] ?? { kind: 'text', label: { ja: name, en: name } };
}

/** The dialog's fields of a step: the required ones first, then the optional ones (each once). */
export function actionFields(def: Pick<ProcessDefinition, 'fields'>, t: { requires?: readonly string[]; optional?: readonly string[] }): ActionField[] {
  const req = t.requires ?? [];
  const opt = (t.optional ?? []).filter((f) => !req.includes(f));
  return [...req.map((name) => ({ name, required: true })), ...opt.map((name) => ({ name, required: false }))].map((f) => ({
    ...fieldSpec(def, f.name),
    ...f,
  }));
}

export function labelOf(b: Bilingual, lang: 'ja' | 'en' = 'ja'): string {
  return lang === 'en' ? b.en : b.ja;
}
