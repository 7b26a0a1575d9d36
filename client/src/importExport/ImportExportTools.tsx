import { useId, useMemo, useState } from 'react';
import type { ProjectData } from '../app/projectData.js';
import { useT } from '../i18n/index.js';
import { ExportMenu } from './ExportMenu.js';
import { ImportWizard } from './ImportWizard.js';
import './importExport.css';

/** "Import…" and "Export…" above an owner's transcript list; each opens its panel in place. */
export function ImportExportTools({ data, onImported }: { data: ProjectData; onImported: () => Promise<void> }) {
  const id = useId();
  const { project } = data;
  const [open, setOpen] = useState<'import' | 'export' | null>(null);
  const canImport = !project.archived;
  const t = useT();
  const coders = useMemo(() => {
    const names = new Map(data.members.map((member) => [member.userId, member.name]));
    const ids = new Set(data.docs.flatMap((doc) => (doc.kind === 'codings' && doc.coder ? [doc.coder] : [])));
    return [...ids]
      .map((coder) => ({ id: coder, name: names.get(coder) ?? t('tools.formerMember', { id: coder }) }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }, [data.members, data.docs, t]);
  const toggle = (panel: 'import' | 'export') => setOpen((was) => (was === panel ? null : panel));
  return (
    <div className="import-export">
      <div className="row">
        {canImport && (
          <button
            type="button"
            aria-expanded={open === 'import'}
            aria-controls={`${id}-import`}
            onClick={() => toggle('import')}
          >
            {t('tools.import')}
          </button>
        )}
        <button
          type="button"
          aria-expanded={open === 'export'}
          aria-controls={`${id}-export`}
          onClick={() => toggle('export')}
        >
          {t('tools.export')}
        </button>
      </div>
      {open === 'import' && canImport && (
        <div id={`${id}-import`}>
          <ImportWizard projectId={project.id} members={data.members} onImported={onImported} />
        </div>
      )}
      {open === 'export' && (
        <div id={`${id}-export`}>
          <ExportMenu
            projectId={project.id}
            projectName={project.name}
            codebookDoc={data.docs.find((doc) => doc.kind === 'codebook')?.name ?? null}
            coders={coders}
            transcripts={data.transcripts}
          />
        </div>
      )}
    </div>
  );
}
