import type { Role } from './access.js';

/** A project's settings, as stored by the server and edited by its owners. */
export interface ProjectSettings {
  codersEditCodebook: boolean;
  kappaThreshold: number;
  alphaThreshold: number;
  /**
   * BCP 47 tag of the language the project's exports and reports are written for (`<html lang>`, dates by its
   * locale); absent or null: English. Added after the first release, so stored settings may lack it.
   */
  language?: string | null;
}

/** A project as the REST API lists it to one member: with that member's role and the member count. */
export interface ProjectSummary {
  id: string;
  name: string;
  description: string;
  archived: boolean;
  createdAt: number;
  role: Role;
  settings: ProjectSettings;
  members: number;
}
