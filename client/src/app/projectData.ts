import { useCallback, useEffect, useState } from 'react';
import { api, type DocEntry, type Member, type Project, type TranscriptMeta } from '../api.js';
import { errorText } from '../api/errors.js';

export interface ProjectData {
  project: Project;
  members: Member[];
  transcripts: TranscriptMeta[];
  docs: DocEntry[];
}

/** A project's metadata and the documents this user may open (the only source of other coders' doc names). */
export function useProjectData(projectId: string) {
  const [data, setData] = useState<ProjectData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(async () => {
    try {
      const [{ project, members }, { transcripts }, { docs }] = await Promise.all([
        api.project(projectId),
        api.transcripts(projectId),
        api.docs(projectId),
      ]);
      setData({ project, members, transcripts, docs });
      setError(null);
    } catch (caught) {
      setError(errorText(caught));
    }
  }, [projectId]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, reload, setData };
}
