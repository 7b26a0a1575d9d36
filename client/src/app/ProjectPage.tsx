import { docName, ROLES, type Role } from '@accord/shared';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { AddMembers } from '../admin/AddMembers.js';
import { errorText } from '../api/errors.js';
import { api, type Member, type Project } from '../api.js';
import { CodebookPanel } from '../codebook/CodebookPanel.js';
import { sumCounts } from '../codebook/counts.js';
import { useLayerCounts } from '../codebook/useLayerCounts.js';
import { LOCALES, type MessageId, msg, useT } from '../i18n/index.js';
import { ROLE_LABEL } from '../i18n/labels.js';
import { ImportExportTools } from '../importExport/ImportExportTools.js';
import { UndoControls } from '../reader/UndoControls.js';
import { Link } from '../router.js';
import { href, type ProjectTab } from '../routes.js';
import { useDoc } from '../sync/hooks.js';
import { useCodebook } from '../sync/model.js';
import { ResizablePanel } from '../ui/ResizablePanel.js';
import { MemoEditor } from './MemoEditor.js';
import { PresenceList, usePublishLocation } from './Presence.js';
import { ProjectDataPending } from './ProjectDataPending.js';
import { type ProjectData, useProjectData } from './projectData.js';
import { useSession } from './session.js';

type Tab = ProjectTab;

export function ProjectPage({ projectId, tab }: { projectId: string; tab: Tab }) {
  const { data, error, reload } = useProjectData(projectId);
  const codebookDoc = useDoc(docName({ kind: 'codebook', project: projectId }));
  usePublishLocation(codebookDoc, { transcript: null, title: 'project overview' });
  const t = useT();

  if (!data) return <ProjectDataPending error={error} />;
  const { project } = data;
  const tabs: [Tab, MessageId][] = [
    ['transcripts', msg('project.tab.transcripts')],
    ['codebook', msg('project.tab.codebook')],
    ['memo', msg('project.tab.memo')],
  ];
  if (project.role === 'owner') tabs.push(['settings', msg('project.tab.settings')]);

  return (
    <div className="project-page">
      <div className="page">
        <nav aria-label={t('project.breadcrumb')} className="crumbs">
          <Link href={href.projects()}>{t('app.projects')}</Link> › <span>{project.name}</span>
        </nav>
        <h1>
          {project.name} {project.archived && <span className="tag">{t('project.archived')}</span>}
        </h1>
        {project.description && <p className="muted">{project.description}</p>}
        <nav className="tabs" aria-label={t('project.sections')}>
          {tabs.map(([key, label]) => (
            <Link key={key} href={href.project(project.id, key)} aria-current={tab === key ? 'page' : undefined}>
              {t(label)}
            </Link>
          ))}
          <Link href={href.rounds(project.id)}>{t('project.tab.rounds')}</Link>
          <Link href={href.analysis(project.id)}>{t('project.tab.analysis')}</Link>
        </nav>
        {tab === 'transcripts' && project.role === 'owner' && <ImportExportTools data={data} onImported={reload} />}
        {tab === 'transcripts' && <TranscriptList data={data} />}
        {(tab === 'codebook' || tab === 'memo') && (
          // Codebook edits and memo typing are steps of the tab's undo history, here as on the transcript page.
          <div className="ui-toolbar">
            <UndoControls />
          </div>
        )}
        {tab === 'codebook' && <ProjectCodebook data={data} />}
        {tab === 'memo' && (
          <MemoEditor
            project={project.id}
            memo="project"
            label={t('project.memoLabel')}
            readOnly={project.role === 'viewer' || project.archived}
          />
        )}
        {tab === 'settings' && project.role === 'owner' && <Settings data={data} onChange={reload} />}
      </div>
      <ResizablePanel id="project-side" label={t('project.whoIsOnline')} defaultWidth={300} className="side-panel">
        <PresenceList codebook={codebookDoc} />
      </ResizablePanel>
    </div>
  );
}

function TranscriptList({ data }: { data: ProjectData }) {
  const t = useT();
  if (data.transcripts.length === 0) return <p>{t('project.noTranscripts')}</p>;
  return (
    <ul className="card-list">
      {data.transcripts.map((transcript) => (
        <li key={transcript.id} className="card">
          <Link href={href.transcript(data.project.id, transcript.id)}>{transcript.title}</Link>
          {transcript.participant && <span className="muted"> · {transcript.participant}</span>}
        </li>
      ))}
    </ul>
  );
}

function ProjectCodebook({ data }: { data: ProjectData }) {
  const { project, docs } = data;
  const { user } = useSession();
  const entry = docs.find((doc) => doc.kind === 'codebook');
  const open = useDoc(entry?.name ?? null);
  const codebook = useCodebook(open?.doc ?? null);
  const layerDocs = useMemo(() => docs.filter((doc) => doc.kind === 'codings').map((doc) => doc.name), [docs]);
  const { layers, loading } = useLayerCounts(layerDocs, codebook.redirects);
  const counts = useMemo(() => sumCounts(layers.values()), [layers]);
  const ownLayers = docs.filter((doc) => doc.kind === 'codings' && doc.coder === user.id).length;
  const t = useT();
  return (
    <>
      <p className="muted">{t('project.counts', { layers: layerDocs.length, loading, own: ownLayers })}</p>
      <CodebookPanel
        open={open}
        codebook={codebook}
        projectId={project.id}
        canEdit={entry?.access === 'write'}
        canWriteMemos={project.role !== 'viewer' && !project.archived}
        counts={counts}
        countScope={t('project.countScope')}
        layerDocs={layerDocs}
      />
    </>
  );
}

function Settings({ data, onChange }: { data: ProjectData; onChange: () => Promise<void> }) {
  const { project, members } = data;
  // Every change here is one mutation: it reloads the project's data and says what was saved, or why not.
  const change = useMutation({
    mutationFn: async ({ action }: { what: string; action: () => Promise<unknown> }) => {
      await action();
      await onChange();
    },
  });
  const run = (what: string, action: () => Promise<unknown>) => change.mutateAsync({ what, action }).catch(() => {});
  const error = change.error ? errorText(change.error) : null;
  const saved = change.isSuccess ? change.variables.what : null;
  const t = useT();
  return (
    <section aria-label={t('settings.label')} className="settings">
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {saved && (
        <output className="ok" aria-live="polite">
          {saved}
        </output>
      )}
      <ProjectFields project={project} run={run} />
      <h2>{t('settings.phase')}</h2>
      <p className="muted">{t('settings.phaseIntro')}</p>
      <div className="row">
        <label>
          <input
            type="checkbox"
            checked={project.settings.codersEditCodebook}
            onChange={(event) => {
              const codersEditCodebook = event.target.checked;
              void run(t('settings.codebookSaved'), () =>
                api.updateProject(project.id, { settings: { codersEditCodebook } }),
              );
            }}
          />{' '}
          {t('settings.codersEdit')}
        </label>
      </div>
      <div className="row">
        <label htmlFor="project-language">{t('settings.language')}</label>
        <select
          id="project-language"
          aria-describedby="project-language-hint"
          value={project.settings.language ?? 'en'}
          onChange={(event) => {
            const language = event.target.value === 'en' ? null : event.target.value;
            void run(t('settings.languageSaved'), () => api.updateProject(project.id, { settings: { language } }));
          }}
        >
          {LOCALES.map(({ tag, name }) => (
            <option key={tag} value={tag} lang={tag}>
              {name}
            </option>
          ))}
          {project.settings.language && !LOCALES.some((entry) => entry.tag === project.settings.language) && (
            <option value={project.settings.language}>{project.settings.language}</option>
          )}
        </select>
      </div>
      <p className="muted" id="project-language-hint">
        {t('settings.languageHint')}
      </p>
      <div className="row">
        <button
          type="button"
          onClick={() =>
            run(t(project.archived ? 'settings.unarchived' : 'settings.archivedDone'), () =>
              api.updateProject(project.id, { archived: !project.archived }),
            )
          }
        >
          {t(project.archived ? 'settings.unarchive' : 'settings.archive')}
        </button>
      </div>
      <Members project={project} members={members} run={run} />
    </section>
  );
}

type Run = (what: string, action: () => Promise<unknown>) => Promise<void>;

function ProjectFields({ project, run }: { project: Project; run: Run }) {
  const [name, setName] = useState(project.name);
  const [description, setDescription] = useState(project.description);
  const t = useT();
  useEffect(() => {
    setName(project.name);
    setDescription(project.description);
  }, [project.name, project.description]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(t('settings.saved'), () => api.updateProject(project.id, { name, description }));
  };
  return (
    <form className="form" onSubmit={submit} aria-label={t('settings.details')}>
      <label htmlFor="project-name">{t('settings.name')}</label>
      <input id="project-name" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
      <label htmlFor="project-description">{t('settings.description')}</label>
      <textarea id="project-description" value={description} onChange={(e) => setDescription(e.target.value)} />
      <button type="submit">{t('settings.save')}</button>
    </form>
  );
}

function Members({ project, members, run }: { project: Project; members: Member[]; run: Run }) {
  const { user } = useSession();
  const t = useT();
  return (
    <>
      <h2>{t('members.title')}</h2>
      <table className="members">
        <thead>
          <tr>
            <th scope="col">{t('accounts.col.name')}</th>
            <th scope="col">{t('accounts.col.email')}</th>
            <th scope="col">{t('accounts.col.role')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('accounts.col.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {members.map((member) => (
            <tr key={member.userId}>
              <td>
                {member.userId === user.id ? t('accounts.you', { name: member.name }) : member.name}
                {member.deactivated && <span className="muted">{t('members.deactivated')}</span>}
              </td>
              <td>{member.email}</td>
              <td>
                <select
                  aria-label={t('members.roleOf', { name: member.name })}
                  value={member.role}
                  onChange={(event) => {
                    // Read now: by the time the request is made, React has set the controlled select back.
                    const role = event.target.value as Role;
                    void run(t('members.roleChanged', { name: member.name }), () =>
                      api.setRole(project.id, member.userId, role),
                    );
                  }}
                >
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {t(ROLE_LABEL[r])}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <button
                  type="button"
                  onClick={() => {
                    if (confirm(t('members.confirmRemove', { name: member.name }))) {
                      void run(t('members.removed', { name: member.name }), () =>
                        api.removeMember(project.id, member.userId),
                      );
                    }
                  }}
                >
                  {t('members.remove')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <AddMembers projectId={project.id} run={run} />
    </>
  );
}
