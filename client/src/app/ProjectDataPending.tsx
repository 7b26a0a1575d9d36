import { QueryStatus } from './QueryStatus.js';

/** What a project's pages show until its data has loaded: the error with a way back, or a loading line. */
export function ProjectDataPending({ error }: { error: unknown }) {
  return <QueryStatus error={error} what="loading.project" backHome />;
}
