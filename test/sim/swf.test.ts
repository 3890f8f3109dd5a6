import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { parseSwf, readSwfFile } from '../../src/sim/traces/swf.js';

const data = (f: string) => fileURLToPath(new URL(`../data/traces/${f}`, import.meta.url));
const SDSC = data('SDSC-SP2-1998-4.2-cln.first11088.swf.gz');
const NASA = data('NASA-iPSC-1993-3.1-cln.swf.gz');

test('SDSC-SP2: header fields, copyright kept, counts after cleaning', async () => {
  const w = await readSwfFile(SDSC);
  assert.equal(w.format, 'swf');
  assert.deepEqual(
    { ...w.swfHeader },
    {
      version: '2.2',
      computer: 'IBM SP2',
      installation: 'SDSC',
      maxJobs: 73496,
      maxRecords: 59715,
      unixStartTime: 893466664,
      timeZoneString: 'US/Pacific',
      startTime: 'Fri Apr 24 18:11:04 PDT 1998',
      endTime: 'Sat Apr 29 21:08:32 PDT 2000',
      maxNodes: 128,
      maxProcs: 128,
    },
  );
  assert.match(w.header.Copyright ?? '', /Copyright 2000 The Regents of the University of\nCalifornia/);
  assert.match(w.header.Information ?? '', /^http:\/\/joblog\.npaci\.edu\/\nhttp:\/\/www\.cs\.huji\.ac\.il/);
  assert.equal(w.header.Queue?.split('\n').length, 7);
  assert.ok(w.headerLines.some((l) => l.includes('provided that this copyright notice is preserved')));
  assert.equal(w.machineNodes, 128);
  assert.equal(w.procsPerNode, 1);
  assert.equal(w.recordsRead, 11_088);
  assert.equal(w.jobs.length, 10_000);
  assert.deepEqual(w.dropped, { nonPositiveRunTime: 1088, noProcessors: 0 });
  // First kept record: "11 566129 5 28826 1 27758 -1 1 28800 -1 5 153 75 18180 3 -1 -1 -1"
  const j = w.jobs[0]!;
  assert.deepEqual(
    { id: j.id, index: j.index, submitS: j.submitS, runS: j.runS, requestedS: j.requestedS, nodes: j.nodes },
    { id: '11', index: 0, submitS: 566129, runS: 28826, requestedS: 28800, nodes: 1 },
  );
  assert.equal(j.recordedWaitS, 5);
  assert.equal(j.userId, '153');
  assert.equal(j.status, 5);
  assert.equal(j.queue, '3');
  assert.equal(j.resources.hpcNodes, 1);
  // Every kept job has a positive run time and size; indices are dense.
  w.jobs.forEach((x, i) => {
    assert.ok(x.runS > 0 && x.nodes > 0 && x.index === i);
  });
});

test('NASA iPSC: a complete log — 18,239 records, 173 without run time, no requested times', async () => {
  const w = await readSwfFile(NASA);
  assert.equal(w.recordsRead, 18_239);
  assert.equal(w.jobs.length, 18_066);
  assert.deepEqual(w.dropped, { nonPositiveRunTime: 173, noProcessors: 0 });
  assert.equal(w.swfHeader.maxNodes, 128);
  assert.equal(w.swfHeader.installation, 'NASA Ames Research Center');
  assert.match(w.header.Note ?? '', /the given submit\ntimes are actually start times/);
  assert.ok(w.jobs.every((j) => j.requestedS === null));
});

test('gzip and plain text give the same workload', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'suanwang-swf-'));
  try {
    const plain = join(dir, 'sdsc.swf');
    await writeFile(plain, gunzipSync(await readFile(SDSC)));
    const a = await readSwfFile(SDSC);
    const b = await readSwfFile(plain);
    assert.deepEqual({ ...b, source: '' }, { ...a, source: '' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a truncated gzip file is an error, not a short workload', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'suanwang-swf-'));
  try {
    const cut = join(dir, 'cut.swf.gz');
    const bytes = await readFile(SDSC);
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await assert.rejects(readSwfFile(cut), /trace: cannot read .*cut\.swf\.gz/);
    await assert.rejects(readSwfFile(join(dir, 'missing.swf')), /trace: no such file/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('fractional seconds, CRLF lines, requested processors when allocated are unknown, -1 requests', () => {
  const text = [
    '; MaxNodes: 64',
    '; MaxProcs: 64',
    '1 0.5 -1 10.25 4 -1 -1 4 20.5 -1 1 1 1 -1 -1 -1 -1 -1',
    '2 1.75 -1 3 -1 -1 -1 8 -1 -1 1 2 1 -1 -1 -1 -1 -1',
    '3 2 -1 0 4 -1 -1 4 10 -1 0 2 1 -1 -1 -1 -1 -1', // no run time: dropped
    '4 2 -1 5 -1 -1 -1 -1 10 -1 0 2 1 -1 -1 -1 -1 -1', // no processors: dropped
    '',
  ].join('\r\n');
  const w = parseSwf(text, 'inline');
  assert.equal(w.jobs.length, 2);
  assert.deepEqual(w.dropped, { nonPositiveRunTime: 1, noProcessors: 1 });
  const [a, b] = w.jobs;
  assert.deepEqual([a!.submitS, a!.runS, a!.requestedS, a!.nodes], [0.5, 10.25, 20.5, 4]);
  assert.deepEqual([b!.submitS, b!.runS, b!.requestedS, b!.nodes], [1.75, 3, null, 8]);
  assert.equal(b!.recordedWaitS, null);
});

test('multi-processor nodes: sizes become whole nodes when MaxProcs is a multiple of MaxNodes', () => {
  const w = parseSwf(
    [
      '; MaxNodes: 10',
      '; MaxProcs: 40',
      '1 0 -1 5 6 -1 -1 6 10 -1 1 1 1 -1 -1 -1 -1 -1',
      '2 0 -1 5 4 -1 -1 4 10 -1 1 1 1 -1 -1 -1 -1 -1',
    ].join('\n'),
  );
  assert.equal(w.procsPerNode, 4);
  assert.equal(w.machineNodes, 10);
  assert.deepEqual(
    w.jobs.map((j) => j.nodes),
    [2, 1],
  );
  // Without a header the machine size is unknown (the replay then uses the largest job).
  assert.equal(parseSwf('1 0 -1 5 6 -1 -1 6 10 -1 1 1 1 -1 -1 -1 -1 -1').machineNodes, null);
});

test('bad input names the line and the field', () => {
  assert.throws(
    () => parseSwf('1 0 -1 5 abc -1 -1 6 10 -1 1 1 1 -1 -1 -1 -1 -1', 'x.swf'),
    (e: Error & { field?: string }) =>
      /x\.swf:1: field 5 \(allocated_processors\) is not a number: 'abc'/.test(e.message) &&
      e.field === 'allocated_processors',
  );
  assert.throws(() => parseSwf('; c\n1 0 -1 5 4', 'x.swf'), /x\.swf:2: expected 18 fields, found 5/);
  assert.throws(() => parseSwf('; MaxProcs: many\n', 'x.swf'), /header MaxProcs is not a valid number/);
});
