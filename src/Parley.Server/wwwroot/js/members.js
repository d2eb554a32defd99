// A room's member list as far as it is loaded: the server's pages, kept in the server's order
// (online first, then names in natural order) as presence, joins and leaves arrive. Every change
// costs a binary search and one splice, never a sort of the whole list, so a room of 10,000 stays
// cheap however many events come.
//
// What is loaded is always a prefix of the server's order: every member up to `end`, the place
// (online or not, name key) of the last member of the last page. A member whose new place falls
// after `end` leaves the loaded rows; the next page, which the server starts after that same
// place, brings it back. So paging on never skips or repeats anyone for a change seen here.

/**
 * The server's name order (NaturalNameOrder.cs) on name keys (lower case): a run of digits by
 * its value, so u_2 before u_10; otherwise by character code, so '-' < digits < '_' < letters.
 * Intl.Collator puts '_' before digits, which would disagree with the server's pages.
 */
function compareKeys(x, y) {
  if (x === y) return 0;
  let i = 0, j = 0;
  while (i < x.length && j < y.length) {
    const a = x.charCodeAt(i), b = y.charCodeAt(j);
    if (isDigit(a) && isDigit(b)) {
      // Leading zeros do not count, then the longer run is the larger number.
      while (i < x.length - 1 && x.charCodeAt(i) === 48 && isDigit(x.charCodeAt(i + 1))) i++;
      while (j < y.length - 1 && y.charCodeAt(j) === 48 && isDigit(y.charCodeAt(j + 1))) j++;
      const startX = i, startY = j;
      while (i < x.length && isDigit(x.charCodeAt(i))) i++;
      while (j < y.length && isDigit(y.charCodeAt(j))) j++;
      const byDigits = (i - startX) - (j - startY);
      if (byDigits !== 0) return byDigits;
      const runX = x.slice(startX, i), runY = y.slice(startY, j);
      if (runX !== runY) return runX < runY ? -1 : 1;
      continue;
    }
    if (a !== b) return a - b;
    i++;
    j++;
  }
  const byLength = (x.length - i) - (y.length - j);
  if (byLength !== 0) return byLength;
  return x < y ? -1 : x > y ? 1 : 0;
}

const isDigit = (c) => c >= 48 && c <= 57;

/** Online first, then by name: the order of a `members` page. */
export const compareMembers = (a, b) => (a.online !== b.online ? (a.online ? -1 : 1) : compareKeys(a.key, b.key));

export class MemberList {
  /** @param {string} room the room's key; @param {string} query only names containing it (a search), or '' */
  constructor(room, query = '') {
    this.room = room;
    this.query = query;
    this.needle = query.toLowerCase();
    this.rows = [];            // {user, key, online}, in the order above
    this.byKey = new Map();    // key -> row, for the rows loaded
    this.end = null;           // place of the last loaded member while more follow; null once all are loaded
    this.next = null;          // the server's cursor for the next page
    this.total = 0;            // members (matching the query), as the server and events tell
    this.online = 0;
    this.loaded = false;       // the first page has come
    this.loading = false;
    this.failed = false;       // the last page request failed (offline): tried again on the next scroll
    this.version = 0;          // bumped on every change the panel shows
    this.scrollTop = 0;        // where the panel was scrolled in this list
  }

  matches(user) {
    return !this.needle || user.toLowerCase().includes(this.needle);
  }

  /** A members (or join/create) reply: the first page, or the next one when `append`. */
  applyPage(reply, append) {
    if (!append) {
      this.rows = [];
      this.byKey.clear();
    }
    for (const { user, online } of reply.members) {
      const key = user.toLowerCase();
      const known = this.byKey.get(key);
      // A member whose presence changed between two pages can be on both: the newer page wins.
      if (known) this.take(known);
      const row = known ?? { user, key, online };
      row.online = online;
      this.put(row);
    }
    const last = reply.members.at(-1);
    this.next = reply.next ?? null;
    this.end = this.next && last ? { online: last.online, key: last.user.toLowerCase() } : null;
    if (typeof reply.total === 'number') this.total = reply.total;
    if (typeof reply.online === 'number') this.online = reply.online;
    this.loaded = true;
    this.failed = false;
    this.version++;
  }

  /** A member came online or went offline. Returns whether the list changed. */
  setPresence(user, online) {
    const row = this.byKey.get(user.toLowerCase());
    if (!row || row.online === online) return false;
    this.take(row);
    row.online = online;
    this.online = Math.max(0, this.online + (online ? 1 : -1));
    if (this.reaches(row)) this.put(row);
    this.version++;
    return true;
  }

  /** Someone joined the room (a small room's `join` event). */
  add(user, online) {
    const key = user.toLowerCase();
    if (!this.matches(user) || this.byKey.has(key)) return;
    this.total++;
    if (online) this.online++;
    const row = { user, key, online };
    if (this.reaches(row)) this.put(row);
    this.version++;
  }

  /** Someone left the room. */
  remove(user, wasOnline) {
    if (!this.matches(user)) return;
    const row = this.byKey.get(user.toLowerCase());
    this.total = Math.max(0, this.total - 1);
    if (row ? row.online : wasOnline) this.online = Math.max(0, this.online - 1);
    if (row) this.take(row);
    this.version++;
  }

  /** The room's counts from a `members_count` event (only for the unfiltered list). */
  setCounts(total, online) {
    if (this.needle) return;
    this.total = total;
    this.online = online;
    this.version++;
  }

  /** Whether a member at this place belongs in the loaded prefix. */
  reaches(row) {
    return this.end === null || compareMembers(row, this.end) <= 0;
  }

  put(row) {
    const rows = this.rows;
    // Pages and most moves land at the end: no search needed then.
    const at = rows.length === 0 || compareMembers(rows.at(-1), row) < 0 ? rows.length : this.place(row);
    rows.splice(at, 0, row);
    this.byKey.set(row.key, row);
  }

  take(row) {
    let at = this.place(row);
    if (this.rows[at] !== row) at = this.rows.indexOf(row);
    if (at >= 0) this.rows.splice(at, 1);
    this.byKey.delete(row.key);
  }

  /** Index of the first row not before `row`. */
  place(row) {
    let lo = 0, hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareMembers(this.rows[mid], row) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
