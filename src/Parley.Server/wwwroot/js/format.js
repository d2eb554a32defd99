// Times as WeChat shows them: "14:05" today, "Yesterday", a weekday within the week, else a date.

const pad = (n) => String(n).padStart(2, '0');
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const DAY = 24 * 60 * 60 * 1000;

export const clock = (date) => `${pad(date.getHours())}:${pad(date.getMinutes())}`;

const startOfDay = (date) => new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();

export const sameDay = (a, b) => startOfDay(a) === startOfDay(b);

function dayName(date, now) {
  const days = Math.round((startOfDay(now) - startOfDay(date)) / DAY);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  if (days > 1 && days < 7) return WEEKDAYS[date.getDay()];
  return `${date.getFullYear()}/${pad(date.getMonth() + 1)}/${pad(date.getDate())}`;
}

/** For a message's tooltip: "2026-12-05 14:05:09". */
export const fullTime = (date) =>
  `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${clock(date)}:${pad(date.getSeconds())}`;

/** For the conversation list. */
export function shortTime(date, now = new Date()) {
  return sameDay(date, now) ? clock(date) : dayName(date, now);
}

/** For a separator in the message pane: "14:05", or "Yesterday 14:05" where a new day starts. */
export function separatorTime(date, withDay, now = new Date()) {
  return withDay ? `${dayName(date, now)} ${clock(date)}` : clock(date);
}
