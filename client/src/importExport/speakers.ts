/**
 * The speaker step of the import preview, as pure functions: the owner renames detected speakers, merges them
 * (renaming two to the same name) or drops them (their turns become plain text of the turn before). The result is
 * the server's `SpeakerChoices`: detected name → kept name, or null to drop. The text never changes.
 */
import type { DetectedSpeaker } from '@accord/shared';
import { type Translate, translate } from '../i18n/core.js';

export type { DetectedSpeaker };

export interface SpeakerEdit {
  name: string;
  drop: boolean;
}

/** Per detected speaker name. */
export type SpeakerEdits = Readonly<Record<string, SpeakerEdit>>;

export type SpeakerChoices = Record<string, string | null>;

/** Every speaker kept under its own name. */
export function initialEdits(speakers: readonly DetectedSpeaker[]): SpeakerEdits {
  return Object.fromEntries(speakers.map((speaker) => [speaker.name, { name: speaker.name, drop: false }]));
}

function editOf(edits: SpeakerEdits, speaker: DetectedSpeaker): SpeakerEdit {
  return Object.hasOwn(edits, speaker.name) ? edits[speaker.name]! : { name: speaker.name, drop: false };
}

/** The choices to send: only the speakers that change; null when nothing does. */
export function speakerChoices(speakers: readonly DetectedSpeaker[], edits: SpeakerEdits): SpeakerChoices | null {
  const choices: SpeakerChoices = {};
  let changed = false;
  for (const speaker of speakers) {
    const edit = editOf(edits, speaker);
    if (edit.drop) {
      choices[speaker.name] = null;
      changed = true;
    } else if (edit.name.trim() !== speaker.name) {
      choices[speaker.name] = edit.name.trim();
      changed = true;
    }
  }
  return changed ? choices : null;
}

export interface ResultingSpeaker {
  name: string;
  turns: number;
  /** The detected names that become this speaker (more than one: a merge). */
  from: string[];
}

/** The speakers the transcript will have, in order of first detection; merged names add up their turns. */
export function resultingSpeakers(speakers: readonly DetectedSpeaker[], edits: SpeakerEdits): ResultingSpeaker[] {
  const byName = new Map<string, ResultingSpeaker>();
  for (const speaker of speakers) {
    const edit = editOf(edits, speaker);
    const name = edit.name.trim();
    if (edit.drop || name === '') continue;
    const found = byName.get(name);
    if (found) {
      found.turns += speaker.turns;
      found.from.push(speaker.name);
    } else byName.set(name, { name, turns: speaker.turns, from: [speaker.name] });
  }
  return [...byName.values()];
}

/** What keeps the speakers from being confirmed: a kept speaker without a name. */
export function speakerProblems(
  speakers: readonly DetectedSpeaker[],
  edits: SpeakerEdits,
  t: Translate = translate,
): string[] {
  const problems: string[] = [];
  for (const speaker of speakers) {
    const edit = editOf(edits, speaker);
    if (!edit.drop && edit.name.trim() === '') problems.push(t('speakers.needName', { name: speaker.name }));
    else if (edit.name.trim().length > 200) problems.push(t('speakers.nameTooLong', { name: speaker.name }));
  }
  return problems;
}

/** The other detected speakers that end up under the same name as `speaker` (for a "merged with" note). */
export function mergedWith(speakers: readonly DetectedSpeaker[], edits: SpeakerEdits, speaker: string): string[] {
  const own = editOf(edits, { name: speaker, turns: 0 });
  if (own.drop) return [];
  const name = own.name.trim();
  return speakers
    .filter((other) => other.name !== speaker)
    .filter((other) => {
      const edit = editOf(edits, other);
      return !edit.drop && edit.name.trim() === name && name !== '';
    })
    .map((other) => other.name);
}
