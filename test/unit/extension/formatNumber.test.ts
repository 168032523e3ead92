import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCount, formatDuration, formatNumber } from '../../../src/extension/util/formatNumber';

describe('formatNumber', () => {
  it('shows four significant digits without trailing zeros', () => {
    assert.equal(formatNumber(1234.5678), '1235');
    assert.equal(formatNumber(0.5), '0.5');
    assert.equal(formatNumber(2), '2');
    assert.equal(formatNumber(-0.012346), '-0.01235');
  });

  it('writes a whole part longer than its digits in full below 1e5, as a loss of 23,090 reads', () => {
    assert.equal(formatNumber(23094.2), '23090');
    assert.equal(formatNumber(-12345.6), '-12350');
    assert.equal(formatNumber(99996), '1e5');
  });

  it('uses exponents for very large and very small magnitudes', () => {
    assert.equal(formatNumber(3.2e-7), '3.2e-7');
    assert.equal(formatNumber(123456789), '1.23e8');
    assert.equal(formatNumber(1e5), '1e5');
  });

  it('names the values a diverged network produces', () => {
    assert.equal(formatNumber(NaN), 'NaN');
    assert.equal(formatNumber(Infinity), '∞');
    assert.equal(formatNumber(-Infinity), '−∞');
    assert.equal(formatNumber(0), '0');
  });
});

describe('formatCount and formatDuration', () => {
  it('group thousands and spell durations', () => {
    assert.equal(formatCount(12345.6), '12,346');
    assert.equal(formatDuration(42), '42 s');
    assert.equal(formatDuration(185), '3 min 5 s');
    assert.equal(formatDuration(7440), '2 h 4 min');
    assert.equal(formatDuration(-1), '—');
  });
});
