import { useEffect } from 'react';
import { textOn, userColour } from '../coding/colours.js';
import { useT } from '../i18n/index.js';
import { useAwarenessStates } from '../sync/hooks.js';
import type { OpenDoc } from '../sync/pool.js';
import { useSession } from './session.js';

export interface Location {
  transcript: string | null;
  title: string;
}

interface PresenceState {
  user?: { id?: string; name?: string; colour?: string };
  location?: Location;
}

/**
 * Who is where, published on the project's codebook doc (every member has it open). The server stamps `user.id`
 * and `user.name` itself, so only the colour and the location come from this client.
 */
export function usePublishLocation(codebook: OpenDoc | null, location: Location): void {
  const { user } = useSession();
  const { transcript, title } = location;
  useEffect(() => {
    if (!codebook) return;
    const awareness = codebook.provider.awareness;
    awareness.setLocalState({
      user: { id: user.id, name: user.name, colour: userColour(user.id) },
      location: { transcript, title },
    });
  }, [codebook, user, transcript, title]);
}

export function PresenceList({ codebook }: { codebook: OpenDoc | null }) {
  const { user } = useSession();
  const states = useAwarenessStates(codebook?.provider.awareness ?? null);
  const t = useT();
  // One line per person, even with several tabs open.
  const people = new Map<string, { name: string; colour: string; where: string[] }>();
  for (const raw of states.values()) {
    const state = raw as PresenceState;
    const id = state.user?.id;
    if (!id) continue;
    const person = people.get(id) ?? { name: state.user?.name ?? '?', colour: userColour(id), where: [] };
    // The project overview is named by each reader in their own language; a transcript by its title.
    const where =
      state.location?.transcript === null && state.location.title === 'project overview'
        ? t('presence.projectOverview')
        : (state.location?.title ?? '');
    if (where && !person.where.includes(where)) person.where.push(where);
    people.set(id, person);
  }
  return (
    <section className="presence" aria-labelledby="presence-title">
      <h2 id="presence-title">{t('presence.title')}</h2>
      <ul>
        {[...people.entries()].map(([id, person]) => (
          <li key={id}>
            <span
              className="avatar"
              style={{ background: person.colour, color: textOn(person.colour) }}
              aria-hidden="true"
            >
              {person.name.slice(0, 1).toUpperCase()}
            </span>
            {id === user.id ? t('presence.you', { name: person.name }) : person.name}
            {person.where.length > 0 && <span className="muted"> · {person.where.join(', ')}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
