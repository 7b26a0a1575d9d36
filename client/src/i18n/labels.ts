/** Labels many pages share, as message ids. */
import { CONSENSUS_LAYER, INTERVAL_METHOD, MERGED_LAYER, type Role } from '@accord/shared';
import { type MessageId, msg } from './catalogue.js';

export const ROLE_LABEL: Record<Role, MessageId> = {
  owner: msg('role.owner'),
  coder: msg('role.coder'),
  viewer: msg('role.viewer'),
};

export const THEME_STATUS: Record<string, MessageId> = {
  candidate: msg('themeStatus.candidate'),
  reviewed: msg('themeStatus.reviewed'),
  final: msg('themeStatus.final'),
};

export const FLAG_LABEL: Record<string, MessageId> = {
  discuss: msg('flag.discuss'),
  unreliable: msg('flag.unreliable'),
};

/** Kappa names and the readings of agreement values (shared/src/agreement), which the engine gives in English. */
const AGREEMENT_WORDS: Record<string, MessageId> = {
  "Cohen's kappa": msg('kappa.cohen'),
  "Fleiss' kappa": msg('kappa.fleiss'),
  'almost perfect': msg('interpretation.almostPerfect'),
  substantial: msg('interpretation.substantial'),
  moderate: msg('interpretation.moderate'),
  fair: msg('interpretation.fair'),
  slight: msg('interpretation.slight'),
  poor: msg('interpretation.poor'),
  reliable: msg('interpretation.reliable'),
  tentative: msg('interpretation.tentative'),
  unreliable: msg('interpretation.unreliable'),
  discuss: msg('flag.discuss'),
  [INTERVAL_METHOD]: msg('interval.method'),
};

/** An agreement word from the engine in the interface's language (unknown words as they are). */
export function agreementWord(word: string, t: (id: MessageId) => string): string {
  const id = AGREEMENT_WORDS[word];
  return id === undefined ? word : t(id);
}

/**
 * A coding layer's name as the interface shows it: the consensus and merged layers in the interface's language
 * (the server names them in English), a coder's layer by the coder's name.
 */
export function layerLabel(id: string, name: string, t: (id: MessageId) => string): string {
  if (id === CONSENSUS_LAYER) return t('layer.consensus');
  if (id === MERGED_LAYER) return t('layer.merged');
  return name;
}

/** The same for a layer known only by the name the server gave it (`counted.layers`). */
export function layerNameLabel(name: string, t: (id: MessageId) => string): string {
  if (name === 'Consensus') return t('layer.consensus');
  if (name === 'Merged') return t('layer.merged');
  return name;
}
