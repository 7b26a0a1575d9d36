import { describe, expect, it } from 'vitest';
import { href, parseRoute, type Route, routeHref } from '../src/routes.js';

/** Every URL the client, the browser tests and shared links use, with the route it means. */
const TABLE: [string, Route][] = [
  ['/', { page: 'projects' }],
  ['', { page: 'projects' }],
  ['/login', { page: 'login' }],
  ['/admin/accounts', { page: 'accounts' }],
  ['/account', { page: 'account' }],
  ['/invite', { page: 'invite' }],
  ['/p/pr1', { page: 'project', project: 'pr1', tab: 'transcripts' }],
  ['/p/pr1/codebook', { page: 'project', project: 'pr1', tab: 'codebook' }],
  ['/p/pr1/memo', { page: 'project', project: 'pr1', tab: 'memo' }],
  ['/p/pr1/settings', { page: 'project', project: 'pr1', tab: 'settings' }],
  ['/p/pr1/t/tr_2-x', { page: 'transcript', project: 'pr1', transcript: 'tr_2-x' }],
  ['/p/pr1/rounds', { page: 'rounds', project: 'pr1', round: null, tab: 'progress' }],
  ['/p/pr1/rounds/r9', { page: 'rounds', project: 'pr1', round: 'r9', tab: 'progress' }],
  ['/p/pr1/rounds/r9/agreement', { page: 'rounds', project: 'pr1', round: 'r9', tab: 'agreement' }],
  ['/p/pr1/rounds/r9/review', { page: 'rounds', project: 'pr1', round: 'r9', tab: 'review' }],
  ['/p/pr1/analysis', { page: 'analysis', project: 'pr1', tab: 'retrieval' }],
  ['/p/pr1/analysis/statistics', { page: 'analysis', project: 'pr1', tab: 'statistics' }],
  ['/p/pr1/analysis/themes', { page: 'analysis', project: 'pr1', tab: 'themes' }],
  ['/p/pr1/analysis/report', { page: 'analysis', project: 'pr1', tab: 'report' }],
];

describe('the route table', () => {
  it.each(TABLE)('parses %j', (path, route) => {
    expect(parseRoute(path)).toEqual(route);
  });

  it.each(TABLE.filter(([path]) => path !== ''))('builds %j back', (path, route) => {
    expect(routeHref(route)).toBe(path);
  });

  it.each([
    ['an invitation with a hand-typed token', '/invite/abc', 'invite'],
    ['an unknown page', '/nope', 'notFound'],
    ['an upper-case id', '/p/PR1', 'notFound'],
    ['an unknown project tab', '/p/pr1/secrets', 'notFound'],
    ['an unknown round tab', '/p/pr1/rounds/r9/hidden', 'notFound'],
    ['a trailing slash on a transcript', '/p/pr1/t/t1/', 'notFound'],
    ['an id too long', `/p/${'a'.repeat(65)}`, 'notFound'],
    ['a path traversal', '/p/../admin/accounts', 'notFound'],
  ])('%s: %s is %s', (_name, path, page) => {
    expect(parseRoute(path).page).toBe(page);
  });

  it.each([
    ['projects', href.projects(), '/'],
    ['a project tab', href.project('pr1', 'codebook'), '/p/pr1/codebook'],
    ['a transcript', href.transcript('pr1', 't1'), '/p/pr1/t/t1'],
    ['a passage', href.transcript('pr1', 't1', { start: 12, end: 40 }), '/p/pr1/t/t1?at=12-40'],
    ['a passage, rounded and ordered', href.transcript('pr1', 't1', { start: 5.7, end: 2 }), '/p/pr1/t/t1?at=5-5'],
    ['a negative start', href.transcript('pr1', 't1', { start: -3, end: 4 }), '/p/pr1/t/t1?at=0-4'],
    ['the rounds list', href.rounds('pr1'), '/p/pr1/rounds'],
    ['a round', href.rounds('pr1', 'r9'), '/p/pr1/rounds/r9'],
    ['a round tab', href.rounds('pr1', 'r9', 'review'), '/p/pr1/rounds/r9/review'],
    ['analysis', href.analysis('pr1'), '/p/pr1/analysis'],
    ['an analysis tab', href.analysis('pr1', 'report'), '/p/pr1/analysis/report'],
    ['accounts', href.accounts(), '/admin/accounts'],
    ['your account', href.account(), '/account'],
  ])('href: %s', (_name, built, expected) => {
    expect(built).toBe(expected);
  });

  it('escapes what it is given', () => {
    expect(href.transcript('a/b', 'c?d')).toBe('/p/a%2Fb/t/c%3Fd');
    expect(parseRoute(href.transcript('a/b', 'c?d')).page).toBe('notFound');
  });
});
