import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { EARTH_RADIUS_KM, FIBER_MS_PER_KM, fiberOneWayMs, greatCircleKm } from '../../src/network/index.js';

const BEIJING = { lat: 39.90403, lon: 116.40753 };
const SHANGHAI = { lat: 31.23042, lon: 121.4737 };

test('Beijing–Shanghai is ~1,067 km great circle, ~5.2 ms of straight-line fibre one way', () => {
  const km = greatCircleKm(BEIJING, SHANGHAI);
  assert.ok(km > 1060 && km < 1075, `${km}`);
  const ms = fiberOneWayMs(km);
  assert.ok(ms > 5.15 && ms < 5.3, `${ms}`);
  assert.equal(fiberOneWayMs(1000, 1.3), 1000 * FIBER_MS_PER_KM * 1.3);
});

test('one degree of the equator and a quarter meridian', () => {
  const deg = (2 * Math.PI * EARTH_RADIUS_KM) / 360;
  assert.ok(Math.abs(greatCircleKm({ lat: 0, lon: 0 }, { lat: 0, lon: 1 }) - deg) < 1e-9);
  assert.ok(Math.abs(greatCircleKm({ lat: 0, lon: 100 }, { lat: 90, lon: 0 }) - 90 * deg) < 1e-6);
});

test('distance is a metric on the sphere: zero on itself, symmetric, triangle inequality', () => {
  const point = fc.record({
    lat: fc.double({ min: -89, max: 89, noNaN: true }),
    lon: fc.double({ min: -180, max: 180, noNaN: true }),
  });
  fc.assert(
    fc.property(point, point, point, (a, b, c) => {
      assert.ok(greatCircleKm(a, a) < 1e-9);
      assert.ok(Math.abs(greatCircleKm(a, b) - greatCircleKm(b, a)) < 1e-9);
      // Haversine loses ~0.1 m near antipodes (asin near 1); 1 m of slack.
      assert.ok(greatCircleKm(a, c) <= greatCircleKm(a, b) + greatCircleKm(b, c) + 1e-3);
      assert.ok(greatCircleKm(a, b) <= Math.PI * EARTH_RADIUS_KM + 1e-6);
    }),
    { numRuns: 2000 },
  );
});
