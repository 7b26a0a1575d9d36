import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorText } from '../api/errors.js';
import { keys } from '../api/queries.js';
import { api, type Project } from '../api.js';
import { useT } from '../i18n/index.js';
import { ROLE_LABEL } from '../i18n/labels.js';
import { Link, navigate } from '../router.js';
import { href } from '../routes.js';
import { QueryStatus } from './QueryStatus.js';

export function ProjectsPage() {
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: keys.projects(), queryFn: () => api.projects().then((r) => r.projects) });
  const projects = query.data ?? null;
  const [name, setName] = useState('');
  const t = useT();
  const create = useMutation({
    mutationFn: (projectName: string) => api.createProject(projectName, ''),
    onSuccess: ({ project }) => {
      void queryClient.invalidateQueries({ queryKey: keys.projects() });
      navigate(href.project(project.id));
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(name.trim());
  };

  const active = projects?.filter((project) => !project.archived) ?? [];
  const archived = projects?.filter((project) => project.archived) ?? [];
  return (
    <section aria-labelledby="projects-title" className="page">
      <h1 id="projects-title">{t('projects.title')}</h1>
      {create.error && (
        <p className="error" role="alert">
          {errorText(create.error)}
        </p>
      )}
      {projects === null ? (
        <QueryStatus error={query.error} what="loading.projects" onRetry={() => void query.refetch()} />
      ) : (
        <>
          {active.length === 0 && <p>{t('projects.none')}</p>}
          <ProjectList projects={active} />
          {archived.length > 0 && (
            <>
              <h2>{t('projects.archived')}</h2>
              <ProjectList projects={archived} />
            </>
          )}
        </>
      )}
      <form className="inline-form" onSubmit={submit} aria-label={t('projects.new')}>
        <label htmlFor="new-project">{t('projects.new')}</label>
        <input id="new-project" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
        <button type="submit" disabled={create.isPending}>
          {t('projects.create')}
        </button>
      </form>
    </section>
  );
}

function ProjectList({ projects }: { projects: Project[] }) {
  const t = useT();
  return (
    <ul className="card-list">
      {projects.map((project) => (
        <li key={project.id} className="card">
          <Link href={href.project(project.id)}>{project.name}</Link>
          <span className="muted">
            {' '}
            {t('projects.summary', { role: t(ROLE_LABEL[project.role]), members: project.members })}
          </span>
          {project.description && <p className="muted">{project.description}</p>}
        </li>
      ))}
    </ul>
  );
}
