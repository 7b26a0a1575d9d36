import { Link } from '../router.js';
import { href, parseRoute } from '../routes.js';
import { useProjectData } from './projectData.js';

/** The project the page belongs to, in the header's breadcrumb (from the query every project page shares). */
export function HeaderCrumb({ path }: { path: string }) {
  const route = parseRoute(path);
  if (!('project' in route)) return null;
  return <ProjectCrumb project={route.project} current={route.page === 'project' && route.tab === 'transcripts'} />;
}

function ProjectCrumb({ project, current }: { project: string; current: boolean }) {
  const { data } = useProjectData(project);
  if (!data) return null;
  return (
    <>
      <span aria-hidden="true">/</span>
      <Link href={href.project(project)} aria-current={current ? 'page' : undefined}>
        {data.project.name}
      </Link>
    </>
  );
}
