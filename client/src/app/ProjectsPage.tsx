import { type FormEvent, useEffect, useState } from 'react';
import { api, type Project } from '../api.js';
import { Link, navigate } from '../router.js';
import { errorText } from '../api/errors.js';

export function ProjectsPage() {
  const [projects, setProjects] = useState<Project[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState('');

  useEffect(() => {
    api
      .projects()
      .then(({ projects }) => setProjects(projects))
      .catch((caught) => setError(errorText(caught)));
  }, []);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const { project } = await api.createProject(name.trim(), '');
      navigate(`/p/${project.id}`);
    } catch (caught) {
      setError(errorText(caught));
    }
  };

  const active = projects?.filter((project) => !project.archived) ?? [];
  const archived = projects?.filter((project) => project.archived) ?? [];
  return (
    <section aria-labelledby="projects-title" className="page">
      <h1 id="projects-title">Your projects</h1>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {projects === null ? (
        <p>Loading…</p>
      ) : (
        <>
          {active.length === 0 && <p>You are not a member of any project yet.</p>}
          <ProjectList projects={active} />
          {archived.length > 0 && (
            <>
              <h2>Archived</h2>
              <ProjectList projects={archived} />
            </>
          )}
        </>
      )}
      <form className="inline-form" onSubmit={create} aria-label="New project">
        <label htmlFor="new-project">New project</label>
        <input id="new-project" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
        <button type="submit">Create</button>
      </form>
    </section>
  );
}

function ProjectList({ projects }: { projects: Project[] }) {
  return (
    <ul className="card-list">
      {projects.map((project) => (
        <li key={project.id} className="card">
          <Link href={`/p/${project.id}`}>{project.name}</Link>
          <span className="muted">
            {' '}
            {project.role} · {project.members} member{project.members === 1 ? '' : 's'}
          </span>
          {project.description && <p className="muted">{project.description}</p>}
        </li>
      ))}
    </ul>
  );
}
