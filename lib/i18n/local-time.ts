// An instant as a customer reads it: in the bank's time zone, dd/mm/aaaa HH:mm in pt-BR and
// yyyy-mm-dd HH:mm in en (24-hour clock, the forms the customer pages use for days).
import type { Language } from './languages.js';

function partsOf(d: Date, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(d);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)!.value;
  return { y: part('year'), m: part('month'), d: part('day'), hh: part('hour'), mm: part('minute') };
}

/** The day of an instant in the time zone. */
export function localDate(lang: Language, at: Date, timeZone: string): string {
  const p = partsOf(at, timeZone);
  return lang === 'pt-BR' ? `${p.d}/${p.m}/${p.y}` : `${p.y}-${p.m}-${p.d}`;
}

/** The day and time of an instant in the time zone. */
export function localDateTime(lang: Language, at: Date, timeZone: string): string {
  const p = partsOf(at, timeZone);
  return `${localDate(lang, at, timeZone)} ${p.hh}:${p.mm}`;
}

/** Whether the runtime knows the time zone (an IANA name such as America/Sao_Paulo). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
