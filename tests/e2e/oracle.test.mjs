// The oracle (oracle.mjs, reading the fixture files) and make_fixtures.py (expected.json,
// from the records it generated) are two independent derivations: they must agree.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { FIXTURES } from './harness.mjs';
import { canonical, callerOf, completeRecords, computeExpected, parseTime } from './oracle.mjs';

const expected = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'expected.json'), 'utf8'));

for (const folder of ['trail', 'single']) {
  test(`oracle agrees with expected.json for ${folder}/`, () => {
    const derived = computeExpected(path.join(FIXTURES, folder));
    assert.deepEqual(derived.files, expected[folder].files);
    assert.deepEqual(derived.totals, expected[folder].totals);
    assert.deepEqual(derived.top, expected[folder].top);
    for (const row of Object.values(derived.files)) {
      assert.equal(row.read, row.indexed + row.duplicates + row.rejected);
    }
  });
}

test('oracle finds as many complete records in the cut-short file as the generator', () => {
  const derived = computeExpected(path.join(FIXTURES, 'trail'));
  for (const [file, complete] of Object.entries(expected.truncated_complete_records)) {
    assert.equal(derived.files[file].read, complete);
    assert.equal(derived.files[file].status, 'partial');
  }
});

test('oracle rules on small cases', () => {
  assert.equal(parseTime('2024-03-02T08:15:30.250Z'), Date.UTC(2024, 2, 2, 8, 15, 30, 250));
  assert.equal(parseTime('2024-03-01T04:22:10-05:00'), Date.UTC(2024, 2, 1, 9, 22, 10));
  assert.equal(parseTime('2024-03-01 09:22:10+00:00'), Date.UTC(2024, 2, 1, 9, 22, 10));
  assert.equal(parseTime('ThisIsAWrongEventTime'), null);
  assert.equal(parseTime('2024-02-30T00:00:00Z'), null);
  assert.equal(canonical({ b: [1, { d: 1, c: 2 }], a: null }), canonical({ a: null, b: [1, { c: 2, d: 1 }] }));
  assert.notEqual(canonical({ a: 1 }), canonical({ a: '1' }));
  assert.equal(callerOf({ type: 'Root', arn: 'arn:aws:iam::111122223333:root' }), 'root');
  assert.equal(callerOf({ type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/ci/deploy-bot' }), 'deploy-bot');
  assert.equal(callerOf({ type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/Admin/alice@example.com' }),
    'Admin/alice@example.com');
  assert.equal(callerOf({ type: 'AssumedRole', sessionContext: { sessionIssuer: { userName: 'Admin' } } }), 'Admin');
  assert.equal(callerOf({ type: 'AWSService', invokedBy: 'config.amazonaws.com' }), 'config.amazonaws.com');
  assert.equal(callerOf({ type: 'FederatedUser', arn: 'arn:aws:sts::111122223333:federated-user/frank' }), 'frank');
  assert.equal(callerOf({ accountId: '111122223333', invokedBy: 'kms.amazonaws.com' }), 'kms.amazonaws.com');
  assert.equal(callerOf(undefined), null);
  assert.equal(callerOf({}), null);
  assert.deepEqual(completeRecords('{"Records":[{"a":"x]}"},{"b":[1,2]},{"c":'), [{ a: 'x]}' }, { b: [1, 2] }]);
  assert.deepEqual(completeRecords('{"other":{"x":[1]},"Records":[42,{"a":1}'), [42, { a: 1 }]);
  assert.equal(completeRecords('{"inventory":[{"name":"x"}'), null);
});
