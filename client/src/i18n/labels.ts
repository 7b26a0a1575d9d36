/** Labels many pages share, as message ids. */
import type { Role } from '@accord/shared';
import { type MessageId, msg } from './catalogue.js';

export const ROLE_LABEL: Record<Role, MessageId> = {
  owner: msg('role.owner'),
  coder: msg('role.coder'),
  viewer: msg('role.viewer'),
};
