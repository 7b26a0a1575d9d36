import { Link } from '../router.js';

/** What a project's pages show until its data has loaded: the error with a way back, or a loading line. */
export function ProjectDataPending({ error }: { error: string | null }) {
  if (!error) return <p>Loading…</p>;
  return (
    <p className="error" role="alert">
      {error} <Link href="/">Back to your projects</Link>
    </p>
  );
}
