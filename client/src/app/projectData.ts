import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { errorText } from '../api/errors.js';
import { keys } from '../api/queries.js';
import { api, type DocEntry, type Member, type Project, type TranscriptMeta } from '../api.js';

export interface ProjectData {
  project: Project;
  members: Member[];
  transcripts: TranscriptMeta[];
  docs: DocEntry[];
}

async function loadProjectData(projectId: string): Promise<ProjectData> {
  const [{ project, members }, { transcripts }, { docs }] = await Promise.all([
    api.project(projectId),
    api.transcripts(projectId),
    api.docs(projectId),
  ]);
  return { project, members, transcripts, docs };
}

/**
 * A project's metadata and the documents this user may open (the only source of other coders' doc names), as one
 * query shared by every page of the project. `reload` refetches it (after a change).
 */
export function useProjectData(projectId: string) {
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: keys.projectData(projectId), queryFn: () => loadProjectData(projectId) });
  const reload = useCallback(async () => {
    await queryClient.invalidateQueries({ queryKey: keys.project(projectId) });
  }, [queryClient, projectId]);
  return {
    data: query.data ?? null,
    error: query.error ? errorText(query.error) : null,
    reload,
  };
}
