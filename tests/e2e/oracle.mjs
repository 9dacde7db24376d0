// Computes, from the files on disk, what trailview must show after loading a folder.
//
// This is an independent second derivation of the figures in tests/fixtures/expected.json
// (which make_fixtures.py derives from the records it generated): it reads the bytes with
// node's fs and zlib and applies the same rules, listed in tests/fixtures/README.md:
//
// - gzip is recognised by its magic bytes (1f 8b), whatever the name; members may be
//   concatenated; a stream cut short yields the prefix that decodes.
// - `{"Records": [...]}` is a trail file; an object with `digestStartTime` or `logFiles`, or a
//   path containing `/CloudTrail-Digest/`, is a digest; anything else is rejected.
// - every element of Records must be an object, else it is a rejected record. An object with no
//   usable eventTime is kept as an undated event: counted, but outside the time span.
// - dedupe by eventID across everything loaded, in path order: same eventID and deep-equal
//   content is a duplicate (not indexed); same eventID with other content is indexed and
//   counted as a conflict.
//
// It never reads expected.json.

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/** All regular files under `dir`, as '/'-separated paths relative to `dir`, sorted byte-wise. */
export function listFiles(dir) {
  const out = [];
  const walk = (relative) => {
    for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) out.push(child);
    }
  };
  walk('');
  return out.sort(byteOrder);
}

/** Byte-wise (code unit) order, never locale order. */
export function byteOrder(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Decoded bytes of a file and whether the data was cut short. */
function inflate(bytes) {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      return { text: zlib.gunzipSync(bytes).toString('utf8'), cut: false };
    } catch {
      const prefix = zlib.gunzipSync(bytes, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
      return { text: prefix.toString('utf8'), cut: true };
    }
  }
  return { text: bytes.toString('utf8'), cut: false };
}

// --- a small scanner for JSON cut short ------------------------------------------------------

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

function skipSpace(text, at) {
  while (at < text.length && WHITESPACE.has(text[at])) at += 1;
  return at;
}

/** Index just past the JSON string starting at `at` (a '"'), or -1 if the text ends first. */
function skipString(text, at) {
  for (let i = at + 1; i < text.length; i += 1) {
    if (text[i] === '\\') i += 1;
    else if (text[i] === '"') return i + 1;
  }
  return -1;
}

/** Index just past the JSON value starting at `at`, or -1 if the text ends inside it. */
function skipValue(text, at) {
  const first = text[at];
  if (first === undefined) return -1;
  if (first === '"') return skipString(text, at);
  if (first === '{' || first === '[') {
    let depth = 0;
    for (let i = at; i < text.length; i += 1) {
      const char = text[i];
      if (char === '"') {
        i = skipString(text, i);
        if (i < 0) return -1;
        i -= 1;
      } else if (char === '{' || char === '[') depth += 1;
      else if (char === '}' || char === ']') {
        depth -= 1;
        if (depth === 0) return i + 1;
      }
    }
    return -1;
  }
  // number, true, false, null: runs until a delimiter; at the very end it may be cut.
  let i = at;
  while (i < text.length && !WHITESPACE.has(text[i]) && !',]}'.includes(text[i])) i += 1;
  return i < text.length ? i : -1;
}

/**
 * The complete elements of the top-level `Records` array in a JSON text cut short, parsed;
 * null when the text does not get as far as a `Records` array.
 */
export function completeRecords(text) {
  let at = skipSpace(text, 0);
  if (text[at] !== '{') return null;
  at = skipSpace(text, at + 1);
  while (text[at] === '"') {
    const keyEnd = skipString(text, at);
    if (keyEnd < 0) return null;
    const key = JSON.parse(text.slice(at, keyEnd));
    at = skipSpace(text, keyEnd);
    if (text[at] !== ':') return null;
    at = skipSpace(text, at + 1);
    if (key === 'Records' && text[at] === '[') {
      const records = [];
      at = skipSpace(text, at + 1);
      while (at < text.length && text[at] !== ']') {
        const end = skipValue(text, at);
        if (end < 0) break;
        records.push(JSON.parse(text.slice(at, end)));
        at = skipSpace(text, end);
        if (text[at] === ',') at = skipSpace(text, at + 1);
      }
      return records;
    }
    const end = skipValue(text, at);
    if (end < 0) return null;
    at = skipSpace(text, end);
    if (text[at] === ',') at = skipSpace(text, at + 1);
  }
  return null;
}

// --- record rules ----------------------------------------------------------------------------

const TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Milliseconds since the epoch for an RFC 3339 instant, or null. */
export function parseTime(value) {
  if (typeof value !== 'string') return null;
  const match = TIME.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 60) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) return null;
  let ms = Date.UTC(year, month - 1, day, hour, minute, second);
  if (match[7]) ms += Math.floor(Number(`0${match[7]}`) * 1000);
  const zone = match[8];
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '+' ? 1 : -1;
    ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  }
  return ms;
}

/** RFC 3339 UTC, whole seconds: YYYY-MM-DDTHH:MM:SSZ. */
export function formatTime(ms) {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** JSON text with object keys sorted at every depth: equal iff the values are deep-equal. */
export function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort(byteOrder);
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const nonEmpty = (value) => (typeof value === 'string' && value !== '' ? value : null);

/** The readable principal behind a userIdentity, or null (e.g. Insights records have none). */
export function callerOf(identity) {
  if (identity === null || typeof identity !== 'object' || Array.isArray(identity)) return null;
  const arn = nonEmpty(identity.arn) ?? '';
  let found = null;
  switch (identity.type) {
    case 'Root':
      found = 'root';
      break;
    case 'IAMUser':
      found = nonEmpty(identity.userName) ?? (arn.includes('/') ? nonEmpty(arn.slice(arn.lastIndexOf('/') + 1)) : null);
      break;
    case 'AssumedRole': {
      const match = /^arn:[^:]*:sts::[^:]*:assumed-role\/(.+)$/.exec(arn);
      if (match && match[1].includes('/')) found = match[1];
      else found = nonEmpty(identity.sessionContext?.sessionIssuer?.userName);
      break;
    }
    case 'AWSService':
      found = nonEmpty(identity.invokedBy);
      break;
    case 'FederatedUser': {
      const at = arn.indexOf('federated-user/');
      if (at >= 0) found = nonEmpty(arn.slice(at + 'federated-user/'.length));
      break;
    }
    default:
      break;
  }
  if (found) return found;
  for (const key of ['userName', 'invokedBy', 'principalId', 'arn']) {
    if (nonEmpty(identity[key])) return identity[key];
  }
  return null;
}

/** The values one indexed record contributes to each top list (null = not counted). */
export function factsOf(record) {
  const details = record.insightDetails && typeof record.insightDetails === 'object' ? record.insightDetails : {};
  const identity = record.userIdentity;
  const identityAccount = identity && typeof identity === 'object' ? nonEmpty(identity.accountId) : null;
  return {
    callers: callerOf(identity),
    events: nonEmpty(record.eventName) ?? nonEmpty(details.eventName),
    services: nonEmpty(record.eventSource) ?? nonEmpty(details.eventSource),
    ips: nonEmpty(record.sourceIPAddress),
    regions: nonEmpty(record.awsRegion),
    accounts: nonEmpty(record.recipientAccountId) ?? identityAccount,
    errors: nonEmpty(record.errorCode),
  };
}

/** Top `n` of a Map(key → count): count descending, then key ascending (byte order). */
export function topOf(counts, n = 10) {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || byteOrder(a[0], b[0]))
    .slice(0, n)
    .map(([key, count]) => ({ key, count }));
}

export const TOP_LISTS = ['callers', 'events', 'services', 'ips', 'regions', 'accounts', 'errors'];

/** How one file reads: its kind, its Records (complete ones only) and whether it was cut. */
function readFile(fullPath, relative) {
  const { text, cut } = inflate(fs.readFileSync(fullPath));
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    const records = completeRecords(text);
    if (records !== null) return { kind: 'trail', records, cut: true };
    return { kind: `/${relative}`.includes('/CloudTrail-Digest/') ? 'digest' : 'rejected', records: [], cut };
  }
  const isObject = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed);
  if (isObject && Array.isArray(parsed.Records)) return { kind: 'trail', records: parsed.Records, cut };
  if ((isObject && ('digestStartTime' in parsed || 'logFiles' in parsed)) || `/${relative}`.includes('/CloudTrail-Digest/')) {
    return { kind: 'digest', records: [], cut };
  }
  return { kind: 'rejected', records: [], cut };
}

/**
 * Everything trailview must show after loading every file under `dir` at once:
 * { files, totals, top, dedupeGroups, records }. `files` is keyed by the path relative to
 * `dir`; per-file duplicates and conflicts assume path order, the totals do not depend on
 * order. `records` lists the indexed records as { file, record }.
 */
export function computeExpected(dir) {
  const seen = new Map(); // eventID → Set of canonical contents
  const filesById = new Map(); // eventID → Set of files holding a valid record with it
  const files = {};
  const indexed = [];
  const paths = listFiles(dir);
  for (const relative of paths) {
    const { kind, records, cut } = readFile(path.join(dir, relative), relative);
    const row = { status: 'ok', read: 0, indexed: 0, duplicates: 0, conflicts: 0, rejected: 0 };
    if (kind !== 'trail') {
      row.status = kind;
    } else {
      for (const record of records) {
        row.read += 1;
        if (record === null || typeof record !== 'object' || Array.isArray(record)) {
          row.rejected += 1;
          continue;
        }
        const eventId = nonEmpty(record.eventID);
        if (eventId !== null) {
          if (!filesById.has(eventId)) filesById.set(eventId, new Set());
          filesById.get(eventId).add(relative);
          const contents = seen.get(eventId) ?? new Set();
          const text = canonical(record);
          if (contents.has(text)) {
            row.duplicates += 1;
            continue;
          }
          if (contents.size > 0) row.conflicts += 1;
          contents.add(text);
          seen.set(eventId, contents);
        }
        row.indexed += 1;
        indexed.push({ file: relative, record });
      }
      if (row.read === 0 && cut) row.status = 'rejected';
      else if (row.read > 0 && row.rejected === row.read) row.status = 'rejected';
      else if (row.rejected > 0 || cut) row.status = 'partial';
    }
    files[relative] = row;
  }

  const counts = Object.fromEntries(TOP_LISTS.map((name) => [name, new Map()]));
  let start = Infinity;
  let end = -Infinity;
  for (const { record } of indexed) {
    const facts = factsOf(record);
    for (const name of TOP_LISTS) {
      if (facts[name] !== null) counts[name].set(facts[name], (counts[name].get(facts[name]) ?? 0) + 1);
    }
    const ms = parseTime(record.eventTime);
    if (ms === null) continue; // undated: counted, but outside the time span
    start = Math.min(start, ms);
    end = Math.max(end, ms);
  }
  const rows = Object.values(files);
  const sum = (key) => rows.reduce((total, row) => total + row[key], 0);
  const totals = {
    events: indexed.length,
    files: new Set(indexed.map((entry) => entry.file)).size,
    files_loaded: paths.length,
    errors: [...counts.errors.values()].reduce((a, b) => a + b, 0),
    principals: counts.callers.size,
    read: sum('read'),
    duplicates: sum('duplicates'),
    conflicts: sum('conflicts'),
    rejected: sum('rejected'),
    start: Number.isFinite(start) ? formatTime(start) : null,
    end: Number.isFinite(end) ? formatTime(end) : null,
  };
  const top = Object.fromEntries(TOP_LISTS.map((name) => [name, topOf(counts[name])]));
  return { files, totals, top, dedupeGroups: dedupeGroups(filesById), records: indexed };
}

/**
 * Groups of files that share an eventID (each group sorted, groups sorted): the split of
 * duplicates and conflicts between the files of a group depends on the order in which they
 * are processed, so tests compare a group's sums; files in no group are compared one by one.
 */
function dedupeGroups(filesById) {
  const parent = new Map();
  const find = (file) => {
    while (parent.get(file) !== file) file = parent.get(file);
    return file;
  };
  for (const files of filesById.values()) {
    const list = [...files];
    for (const file of list) if (!parent.has(file)) parent.set(file, file);
    for (const file of list.slice(1)) parent.set(find(file), find(list[0]));
  }
  const groups = new Map();
  for (const file of parent.keys()) {
    const root = find(file);
    if (!groups.has(root)) groups.set(root, []);
    groups.get(root).push(file);
  }
  return [...groups.values()]
    .filter((group) => group.length > 1)
    .map((group) => group.sort(byteOrder))
    .sort((a, b) => byteOrder(a[0], b[0]));
}
