/**
 * Every page of the client: its URL pattern and parameters, parsed in one place and built with `href`, never by
 * concatenating strings in a page. Pure (no React, no page imports), so pages import it without an import cycle;
 * which component shows each route is decided in `app/App.tsx`. The server answers every non-API path with
 * index.html, so these URLs are also the ones in browser tests, retrieval links and shared links.
 */

export type ProjectTab = 'transcripts' | 'codebook' | 'memo' | 'settings';
export type RoundTab = 'progress' | 'agreement' | 'review';
export type AnalysisTab = 'retrieval' | 'statistics' | 'themes' | 'report';

export type Route =
  | { page: 'login' }
  | { page: 'projects' }
  | { page: 'project'; project: string; tab: ProjectTab }
  | { page: 'transcript'; project: string; transcript: string }
  | { page: 'rounds'; project: string; round: string | null; tab: RoundTab }
  | { page: 'analysis'; project: string; tab: AnalysisTab }
  | { page: 'accounts' }
  /** The signed-in person's own account: display name, password. */
  | { page: 'account' }
  /** A one-time link: the token travels in the fragment (`/invite#<token>`), or as a hand-typed last segment. */
  | { page: 'invite' }
  | { page: 'notFound' };

export type Page = Route['page'];

/** Ids as the server makes them (`shared/src/ids.ts`): lowercase, digits, `_` and `-`. */
const ID = '([a-z0-9][a-z0-9_-]{0,63})';

export interface RouteDef {
  page: Page;
  pattern: RegExp;
  params(match: RegExpExecArray): Route;
}

/** One row of the table; `params` must give a route of this row's page. */
const def = <P extends Page>(
  page: P,
  pattern: string,
  params: (match: RegExpExecArray) => Extract<Route, { page: P }>,
): RouteDef => ({ page, pattern: new RegExp(`^${pattern}$`), params });

/** The route table, first match wins. */
export const ROUTES: readonly RouteDef[] = [
  def('projects', '/?', () => ({ page: 'projects' })),
  def('login', '/login', () => ({ page: 'login' })),
  def('accounts', '/admin/accounts', () => ({ page: 'accounts' })),
  def('account', '/account', () => ({ page: 'account' })),
  def('invite', '/invite(?:/.*)?', () => ({ page: 'invite' })),
  def('transcript', `/p/${ID}/t/${ID}`, (m) => ({ page: 'transcript', project: m[1]!, transcript: m[2]! })),
  def('rounds', `/p/${ID}/rounds(?:/${ID}(?:/(agreement|review))?)?`, (m) => ({
    page: 'rounds',
    project: m[1]!,
    round: m[2] ?? null,
    tab: (m[3] as RoundTab | undefined) ?? 'progress',
  })),
  def('analysis', `/p/${ID}/analysis(?:/(statistics|themes|report))?`, (m) => ({
    page: 'analysis',
    project: m[1]!,
    tab: (m[2] as AnalysisTab | undefined) ?? 'retrieval',
  })),
  def('project', `/p/${ID}(?:/(codebook|memo|settings))?`, (m) => ({
    page: 'project',
    project: m[1]!,
    tab: (m[2] as ProjectTab | undefined) ?? 'transcripts',
  })),
];

/** The route of a path (`location.pathname`, no query or fragment). */
export function parseRoute(path: string): Route {
  for (const route of ROUTES) {
    const match = route.pattern.exec(path);
    if (match) return route.params(match);
  }
  return { page: 'notFound' };
}

/** A passage of a transcript to open scrolled to (`?at=start-end`), in character offsets. */
export interface At {
  start: number;
  end: number;
}

const seg = encodeURIComponent;

/** The path of a route: `parseRoute(routeHref(route))` gives the route back. */
export function routeHref(route: Route): string {
  switch (route.page) {
    case 'projects':
      return '/';
    case 'login':
      return '/login';
    case 'accounts':
      return '/admin/accounts';
    case 'account':
      return '/account';
    case 'invite':
      return '/invite';
    case 'project':
      return route.tab === 'transcripts' ? `/p/${seg(route.project)}` : `/p/${seg(route.project)}/${route.tab}`;
    case 'transcript':
      return `/p/${seg(route.project)}/t/${seg(route.transcript)}`;
    case 'rounds': {
      const base = `/p/${seg(route.project)}/rounds`;
      if (route.round === null) return base;
      return route.tab === 'progress' ? `${base}/${seg(route.round)}` : `${base}/${seg(route.round)}/${route.tab}`;
    }
    case 'analysis':
      return route.tab === 'retrieval'
        ? `/p/${seg(route.project)}/analysis`
        : `/p/${seg(route.project)}/analysis/${route.tab}`;
    case 'notFound':
      return '/';
  }
}

/** Builders for the links pages make. */
export const href = {
  projects: () => routeHref({ page: 'projects' }),
  login: () => routeHref({ page: 'login' }),
  accounts: () => routeHref({ page: 'accounts' }),
  account: () => routeHref({ page: 'account' }),
  project: (project: string, tab: ProjectTab = 'transcripts') => routeHref({ page: 'project', project, tab }),
  /** The transcript page, scrolled to a passage when one is given. */
  transcript: (project: string, transcript: string, at?: At | null) => {
    const base = routeHref({ page: 'transcript', project, transcript });
    if (!at) return base;
    const start = Math.max(0, Math.floor(at.start));
    const end = Math.max(start, Math.floor(at.end));
    return `${base}?at=${start}-${end}`;
  },
  rounds: (project: string, round: string | null = null, tab: RoundTab = 'progress') =>
    routeHref({ page: 'rounds', project, round, tab }),
  analysis: (project: string, tab: AnalysisTab = 'retrieval') => routeHref({ page: 'analysis', project, tab }),
};
