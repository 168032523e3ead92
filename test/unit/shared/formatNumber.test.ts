import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  EPOCH_DIGITS,
  formatCondition,
  formatCount,
  formatDecibels,
  formatDuration,
  formatNumber,
  formatPercent,
} from '../../../src/shared/formatNumber';

describe('formatNumber', () => {
  it('shows three significant digits without trailing zeros', () => {
    assert.equal(formatNumber(1234.5678), '1230');
    assert.equal(formatNumber(0.5), '0.5');
    assert.equal(formatNumber(2), '2');
    assert.equal(formatNumber(-0.012346), '-0.0123');
    assert.equal(formatNumber(0.001), '0.001');
  });

  it('uses exponents, without "+" or trailing zeros, outside [1e-3, 1e5)', () => {
    assert.equal(formatNumber(5.3e8), '5.3e8');
    assert.equal(formatNumber(3.2e-7), '3.2e-7');
    assert.equal(formatNumber(1.5e-7), '1.5e-7');
    assert.equal(formatNumber(123456789), '1.23e8');
    assert.equal(formatNumber(1e5), '1e5');
    assert.equal(formatNumber(4.5e15), '4.5e15');
  });

  it('decides the form on the rounded value, so a number never shows more digits than asked for', () => {
    assert.equal(formatNumber(99996), '1e5');
    assert.equal(formatNumber(0.00099996), '0.001');
  });

  it('takes another number of digits where a figure needs fewer', () => {
    assert.equal(formatNumber(0.0123456, { digits: 2 }), '0.012');
    assert.equal(formatNumber(23094.2), '23100');
    assert.equal(formatNumber(5.3e8, { digits: 2 }), '5.3e8');
  });

  it('shows figures read epoch against epoch to five digits, where a flow\u2019s training moves them', () => {
    assert.equal(formatNumber(1.4388620290714353, EPOCH_DIGITS), '1.4389');
    assert.equal(formatNumber(1.4360363116064558, EPOCH_DIGITS), '1.436');
    assert.equal(formatNumber(-3583.94, EPOCH_DIGITS), '-3583.9');
    assert.equal(formatNumber(1.4388620290714353), formatNumber(1.4360363116064558), 'three digits hide the change');
  });

  it('names the values a diverged network produces', () => {
    assert.equal(formatNumber(NaN), 'NaN');
    assert.equal(formatNumber(Infinity), '∞');
    assert.equal(formatNumber(-Infinity), '−∞');
    assert.equal(formatNumber(0), '0');
    assert.equal(formatNumber(-0), '0');
  });
});

describe('the named variants', () => {
  it('write shares as percentages with three digits, never rounding a share short of all up to 100%', () => {
    assert.equal(formatPercent(0.034), '3.4%');
    assert.equal(formatPercent(0.9812), '98.1%');
    assert.equal(formatPercent(1), '100%');
    assert.equal(formatPercent(0), '0%');
    assert.equal(formatPercent(0.99996), '>99.9%');
    assert.equal(formatPercent(0.00012), '0.012%');
    assert.equal(formatPercent(NaN), 'NaN');
  });

  it('group counts, spell durations, and put units on decibels', () => {
    assert.equal(formatCount(12345.6), '12,346');
    assert.equal(formatCount(Infinity), '∞');
    assert.equal(formatDuration(0.4123), '0.412 s');
    assert.equal(formatDuration(42.06), '42.1 s');
    assert.equal(formatDuration(185), '3 min 5 s');
    assert.equal(formatDuration(7440), '2 h 4 min');
    assert.equal(formatDuration(-1), '—');
    assert.equal(formatDecibels(31.25), '31.3 dB');
    assert.equal(formatDecibels(-Infinity), '−∞ dB');
  });

  it('write a condition number beyond float64 as its lower bound', () => {
    assert.equal(formatCondition(5.3e8, true), '5.3e8');
    assert.equal(formatCondition(5.3e8, undefined), '5.3e8');
    assert.equal(formatCondition(2 ** 52, false), '> 4.5e15');
  });
});
