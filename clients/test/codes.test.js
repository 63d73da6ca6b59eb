// The error codes the clients compare against come from one table,
// core/codes.js: ServerCodes (the sign function's JSON errors, checked
// against the Go codes by a Go test), OssCodes (OSS's XML errors) and Codes
// (the clients' own). These tests read the client sources and fail on a code
// written as a string literal, or on a reference to a code the table lacks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tables from '../core/codes.js';

const clientsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TABLE_FILE = path.join('core', 'codes.js');

/** sources lists the client modules (core, mini-program and browser adapters) but the table itself. */
function sources() {
  const out = [];
  for (const dir of ['core', 'miniprogram', 'web']) {
    const abs = path.join(clientsDir, dir);
    if (!fs.existsSync(abs)) continue;
    for (const name of fs.readdirSync(abs).sort()) {
      const rel = path.join(dir, name);
      if (name.endsWith('.js') && rel !== TABLE_FILE) out.push({ rel, text: fs.readFileSync(path.join(clientsDir, rel), 'utf8') });
    }
  }
  return out;
}

/** codeShaped tells whether a string looks like an error code: two or more CamelCase humps (AccessDenied). */
const codeShaped = (s) => /^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+$/.test(s);

/** lineOf is the 1-based line of offset in text. */
const lineOf = (text, offset) => text.slice(0, offset).split('\n').length;

/** Literals that look like codes but are not: the error class's name and the XML element names xmlText reads. */
const NOT_CODES = new Set(['OssgateError', 'RequestId']);

test('the tables hold each code under its own name, and the client codes are distinct', () => {
  for (const table of ['ServerCodes', 'OssCodes']) {
    for (const [name, value] of Object.entries(tables[table])) assert.equal(value, name, `${table}.${name}`);
  }
  const own = Object.values(tables.Codes);
  assert.equal(new Set(own).size, own.length, 'Codes has a value twice');
  for (const v of own) assert.ok(!(v in tables.ServerCodes), `client code ${v} is also a sign function code`);
});

test('no error code is written as a string literal outside core/codes.js', () => {
  const found = [];
  for (const { rel, text } of sources()) {
    for (const m of text.matchAll(/(['"`])([A-Za-z0-9]+)\1/g)) {
      if (codeShaped(m[2]) && !NOT_CODES.has(m[2])) found.push(`${rel}:${lineOf(text, m.index)}: ${m[0]}`);
    }
  }
  assert.deepEqual(found, [], 'use ServerCodes, OssCodes or Codes from core/codes.js');
});

test('every comparison with an error code names a member of the table', () => {
  const found = [];
  let compared = 0;
  for (const { rel, text } of sources()) {
    const operands = [
      ...text.matchAll(/\.code\s*[!=]==?\s*([^\s&|)?;,]+)/g),
      ...text.matchAll(/([^\s(!&|]+)\s*[!=]==?\s*[\w.]+\.code\b/g),
    ];
    for (const m of operands) {
      compared++;
      const ref = /^(ServerCodes|OssCodes|Codes)\.(\w+)$/.exec(m[1]);
      if (!ref) found.push(`${rel}:${lineOf(text, m.index)}: compares .code with ${m[1]}`);
    }
  }
  assert.ok(compared >= 10, `found only ${compared} comparisons with .code: the scan is broken`);
  assert.deepEqual(found, []);
});

test('every table reference in the sources names a code the table has', () => {
  const found = [];
  let refs = 0;
  for (const { rel, text } of sources()) {
    for (const m of text.matchAll(/\b(ServerCodes|OssCodes|Codes)\.(\w+)/g)) {
      refs++;
      if (!Object.hasOwn(tables[m[1]], m[2])) found.push(`${rel}:${lineOf(text, m.index)}: ${m[0]} is not in core/codes.js`);
    }
  }
  assert.ok(refs >= 20, `found only ${refs} table references: the scan is broken`);
  assert.deepEqual(found, []);
});
