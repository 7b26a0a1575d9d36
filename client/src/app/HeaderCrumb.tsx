import { Link } from '../router.js';
import { useProjectData } from './projectData.js';

const PROJECT_PATH = /^\/p\/([a-z0-9][a-z0-9_-]{0,63})(?:\/|$)/;

/** The project the page belongs to, in the header's breadcrumb (from the query every project page shares). */
export function HeaderCrumb({ path }: { path: string }) {
  const project = PROJECT_PATH.exec(path)?.[1];
  return project ? <ProjectCrumb project={project} current={path === `/p/${project}`} /> : null;
}

function ProjectCrumb({ project, current }: { project: string; current: boolean }) {
  const { data } = useProjectData(project);
  if (!data) return null;
  return (
    <>
      <span aria-hidden="true">/</span>
      <Link href={`/p/${project}`} aria-current={current ? 'page' : undefined}>
        {data.project.name}
      </Link>
    </>
  );
}
