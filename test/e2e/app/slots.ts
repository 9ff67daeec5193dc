/**
 * Lessons start on the hour, in UTC. The form uses `datetime-local`, which carries no time zone,
 * so the app states UTC on the label and reads the value as UTC.
 */
export function parseSlot(value: string): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!match) return undefined;
  const date = new Date(`${value}:00Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The value a `datetime-local` input shows for `date`. */
export function slotInputValue(date: Date): string {
  return date.toISOString().slice(0, 16);
}

/** e.g. "2031-05-04 10:00 UTC". */
export function formatSlot(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
