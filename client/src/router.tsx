import { type AnchorHTMLAttributes, type MouseEvent, useSyncExternalStore } from 'react';

/** A minimal history router: the server answers every non-API path with index.html. */
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

export function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  for (const listener of listeners) listener();
}

export function usePath(): string {
  return useSyncExternalStore(subscribe, () => location.pathname);
}

export type Route =
  | { page: 'login' }
  | { page: 'projects' }
  | { page: 'project'; project: string; tab: 'transcripts' | 'codebook' | 'memo' | 'settings' }
  | { page: 'transcript'; project: string; transcript: string }
  | { page: 'notFound' };

const ID = '([a-z0-9][a-z0-9_-]{0,63})';

export function parseRoute(path: string): Route {
  if (path === '/login') return { page: 'login' };
  if (path === '/' || path === '') return { page: 'projects' };
  let match = new RegExp(`^/p/${ID}/t/${ID}$`).exec(path);
  if (match) return { page: 'transcript', project: match[1]!, transcript: match[2]! };
  match = new RegExp(`^/p/${ID}(?:/(codebook|memo|settings))?$`).exec(path);
  if (match) {
    const tab = (match[2] ?? 'transcripts') as 'transcripts' | 'codebook' | 'memo' | 'settings';
    return { page: 'project', project: match[1]!, tab };
  }
  return { page: 'notFound' };
}

export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={follow} {...rest} />;
}
