import {
  addCode,
  addCoding,
  codeRedirects,
  codesMap,
  codingsMap,
  codingTimes,
  migrateLayer,
  recodeCoding,
  removeCoding,
  setCodingMemo,
  transcriptText,
  transcriptTurns,
} from '@accord/shared';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import * as Y from 'yjs';
import type { TranscriptMeta } from '../api.js';
import { CodebookPanel } from '../codebook/CodebookPanel.js';
import { countCodes } from '../codebook/counts.js';
import { useShortcuts } from '../codebook/shortcuts.js';
import { buildTree, flattenTree } from '../codebook/tree.js';
import type { Block } from '../coding/blocks.js';
import { buildBlocks } from '../coding/blocks.js';
import { nextCodeColour, userColour } from '../coding/colours.js';
import { applyCorrection } from '../coding/correction.js';
import { coderTags } from '../coding/initials.js';
import { assignLanes } from '../coding/lanes.js';
import { local, undoHistory } from '../coding/undo.js';
import { day } from '../i18n/format.js';
import { useIntl, useT } from '../i18n/index.js';
import { ROLE_LABEL } from '../i18n/labels.js';
import { parseAt } from '../importExport/passage.js';
import { setBlockTime } from '../media/align.js';
import { CodingTime } from '../media/CodingTime.js';
import { MediaPanel } from '../media/MediaPanel.js';
import { Playback } from '../media/playback.js';
import { usePlayerKeys } from '../media/shortcuts.js';
import { MediaProvider, type TurnMedia } from '../media/turns.js';
import { CodePicker } from '../reader/CodePicker.js';
import { CodingDetails } from '../reader/CodingDetails.js';
import { Reader, type ReaderHandle, type Selection } from '../reader/Reader.js';
import { LANE_PX, MAX_LANES, type RemoteSelection } from '../reader/TurnBlock.js';
import { UndoControls } from '../reader/UndoControls.js';
import { Link } from '../router.js';
import { href } from '../routes.js';
import { useAwarenessStates, useDoc, useDocs, useSynced } from '../sync/hooks.js';
import { type LayerCoding, useCodebook, useLayers, useTranscript } from '../sync/model.js';
import { ResizablePanel } from '../ui/ResizablePanel.js';
import { Tab, TabList, TabPanel, Tabs } from '../ui/Tabs.js';
import { MemoEditor } from './MemoEditor.js';
import { PresenceList, usePublishLocation } from './Presence.js';
import { ProjectDataPending } from './ProjectDataPending.js';
import { type ProjectData, useProjectData } from './projectData.js';
import { useSession } from './session.js';

/**
 * The margin's lanes have a fixed width, so that stripes appearing while others code never move the text; a turn
 * with more overlapping codings collapses the rest into "+k" (see `MAX_LANES`).
 */
const MARGIN_LANES = MAX_LANES;

type SideTab = 'codebook' | 'memos' | 'online';

export function TranscriptPage({ projectId, transcriptId }: { projectId: string; transcriptId: string }) {
  const { data, error, reload } = useProjectData(projectId);
  const t = useT();
  if (!data) return <ProjectDataPending error={error} />;
  const meta = data.transcripts.find((transcript) => transcript.id === transcriptId);
  if (!meta) {
    return (
      <p className="error" role="alert">
        {t('transcript.missing')} <Link href={href.project(projectId)}>{t('transcript.back')}</Link>
      </p>
    );
  }
  return <Workspace data={data} meta={meta} reload={reload} />;
}

function Workspace({ data, meta, reload }: { data: ProjectData; meta: TranscriptMeta; reload: () => Promise<void> }) {
  const { user } = useSession();
  const t = useT();
  const intl = useIntl();
  const { project, docs, members } = data;
  const textEntry = docs.find((doc) => doc.kind === 'text' && doc.transcript === meta.id);
  const codebookEntry = docs.find((doc) => doc.kind === 'codebook');
  const layerEntries = useMemo(
    () =>
      docs
        .filter((doc) => doc.kind === 'codings' && doc.transcript === meta.id)
        // Own layer first, then the others by name.
        .sort((a, b) => Number(b.coder === user.id) - Number(a.coder === user.id) || a.name.localeCompare(b.name)),
    [docs, meta.id, user.id],
  );
  const ownEntry = layerEntries.find((doc) => doc.coder === user.id);

  const textOpen = useDoc(textEntry?.name ?? null);
  const codebookOpen = useDoc(codebookEntry?.name ?? null);
  const textDoc = textOpen?.doc ?? null;
  const textSynced = useSynced(textOpen);
  const codebookSynced = useSynced(codebookOpen);
  usePublishLocation(codebookOpen, { transcript: meta.id, title: meta.title });

  const transcript = useTranscript(textDoc);
  // `?at=start-end`: open scrolled to that passage (links from the review and the analysis); read once per page.
  const [jump] = useState(() => parseAt(location.search));
  const blocks = useMemo(() => buildBlocks(transcript.text, transcript.turns), [transcript]);
  const codebook = useCodebook(codebookOpen?.doc ?? null);

  const layerOpen = useDocs(layerEntries.map((entry) => entry.name));
  const ownOpen = ownEntry ? layerOpen[layerEntries.indexOf(ownEntry)]! : null;
  const ownSynced = useSynced(ownOpen);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const [compare, setCompare] = useState(false);
  const layerKey = layerOpen.map((open) => open.name).join('\n');
  // biome-ignore lint/correctness/useExhaustiveDependencies: layerKey stands for the open docs
  const shownLayers = useMemo(
    () =>
      layerOpen
        .map((open, i) => ({ coder: layerEntries[i]!.coder!, doc: open.doc }))
        .filter((layer) => !hidden.has(layer.coder)),
    [layerKey, hidden],
  );
  const codings = useLayers(shownLayers, textDoc, codebook.redirects);

  const canCode = ownEntry?.access === 'write' && project.role !== 'viewer';
  const canEditText = textEntry?.access === 'write';
  const canEditCodebook = codebookEntry?.access === 'write';
  const canWriteMemos = project.role !== 'viewer' && !project.archived;

  // Merges and deletes in the codebook reach this coder's own layer here (nobody else may write it).
  useEffect(() => {
    if (!ownOpen || !canCode || !ownSynced || !codebookSynced || codebook.redirects.size === 0) return;
    const stale = [...codingsMap(ownOpen.doc).values()].some((coding) => codebook.redirects.has(coding.code));
    if (stale) migrateLayer(ownOpen.doc, codebook.redirects);
  }, [ownOpen, canCode, ownSynced, codebookSynced, codebook.redirects]);

  const treeOrder = useMemo(() => flattenTree(buildTree(codebook.codes)).map((node) => node.code.id), [codebook.codes]);
  // Fixed digit keys, changed only by the user (never re-ranked while coding).
  const { slots: shortcuts, assign: assignShortcut } = useShortcuts(user.id, project.id, treeOrder, codebook.redirects);

  // Undo covers this coder's own layer and, for those who may edit it, the codebook.
  useEffect(() => {
    if (ownOpen && canCode) undoHistory.track(ownOpen.doc, [codingsMap(ownOpen.doc)]);
  }, [ownOpen, canCode]);
  useEffect(() => {
    if (codebookOpen && canEditCodebook)
      undoHistory.track(codebookOpen.doc, [codesMap(codebookOpen.doc), codeRedirects(codebookOpen.doc)]);
  }, [codebookOpen, canEditCodebook]);
  const shownCounts = useMemo(() => countCodes(codings.map((coding) => coding.resolvedCode)), [codings]);

  const names = useMemo(() => new Map(members.map((member) => [member.userId, member.name])), [members]);
  const coderName = useCallback(
    (coder: string) => (coder === user.id ? t('transcript.you') : (names.get(coder) ?? t('transcript.formerMember'))),
    [names, user.id, t],
  );
  const colourOf = useCallback(
    (coding: LayerCoding) => codebook.byId.get(coding.resolvedCode)?.colour ?? '#999999',
    [codebook.byId],
  );
  const describe = useCallback(
    (coding: LayerCoding) => ({
      title: codebook.byId.get(coding.resolvedCode)?.name ?? t('transcript.unknownCode'),
      detail: `${coderName(coding.coder)} · ${day(intl, coding.createdAt)}`,
    }),
    [codebook.byId, coderName, t, intl],
  );
  const initials = useMemo(() => coderTags(members), [members]);
  const tagOf = useCallback(
    (coding: LayerCoding) =>
      `${codebook.byId.get(coding.resolvedCode)?.name ?? t('transcript.unknownCode')} · ${initials.get(coding.coder) ?? '?'}`,
    [codebook.byId, initials, t],
  );
  const labelOf = useCallback(
    (coding: LayerCoding) => {
      const { title, detail } = describe(coding);
      return `${title} (${detail})${coding.memo ? `: ${coding.memo}` : ''}`;
    },
    [describe],
  );

  const { stripeLane, stripeBase, marginWidth } = useMemo(() => {
    const stripeLane = new Map<string, number>();
    const stripeBase = new Map<string, number>();
    // Compare: one group of lanes per coder, side by side, so that agreement and disagreement line up.
    const groups = compare ? shownLayers.map((layer) => codings.filter((c) => c.coder === layer.coder)) : [codings];
    let x = 0;
    for (const group of groups) {
      const layout = assignLanes(group);
      for (const [id, lane] of layout.lane) {
        stripeLane.set(id, lane);
        stripeBase.set(id, x);
      }
      x += (compare ? Math.max(1, layout.lanes) + 1 : MARGIN_LANES) * LANE_PX;
    }
    return { stripeLane, stripeBase, marginWidth: Math.max(MARGIN_LANES * LANE_PX, x) };
  }, [codings, compare, shownLayers]);

  // Live selections: ours is published on the text doc's awareness; others' are drawn (the server strips them in
  // a blind round).
  const awareness = textOpen?.provider.awareness ?? null;
  useEffect(() => {
    awareness?.setLocalStateField('user', { id: user.id, name: user.name, colour: userColour(user.id) });
  }, [awareness, user]);
  // The selection in the text (mouse or keyboard), or the caret; while the picker is open it keeps the passage it
  // codes (the picker's focus takes the selection out of the text, but the passage is still what this coder is on).
  const [ownRange, setOwnRange] = useState<{ start: number; end: number } | null>(null);
  const [picker, setPicker] = useState<Selection | null>(null);
  const shared = picker ? { start: picker.start, end: picker.end } : ownRange;
  const sharedStart = shared?.start ?? -1;
  const sharedEnd = shared?.end ?? -1;
  // Published a moment later (and only the last of quick changes): the selection that ends when a code is applied
  // must not reach co-coders in the same instant as the coding, whose display it would slow down.
  useEffect(() => {
    if (!awareness || !textDoc) return;
    const timer = setTimeout(() => {
      const ytext = transcriptText(textDoc);
      awareness.setLocalStateField(
        'selection',
        sharedStart < 0
          ? null
          : {
              anchor: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(ytext, sharedStart)),
              head: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(ytext, sharedEnd)),
            },
      );
    }, 150);
    return () => clearTimeout(timer);
  }, [awareness, textDoc, sharedStart, sharedEnd]);
  const states = useAwarenessStates(awareness);
  // biome-ignore lint/correctness/useExhaustiveDependencies: positions move with the text, so they are re-resolved when it changes
  const remote = useMemo(() => {
    const out: RemoteSelection[] = [];
    if (!textDoc || !awareness) return out;
    for (const [clientId, state] of states) {
      if (clientId === awareness.clientID) continue;
      const selection = state.selection as { anchor: unknown; head: unknown } | null | undefined;
      const who = state.user as { id?: string; name?: string } | undefined;
      if (!selection || !who?.id) continue;
      const resolve = (json: unknown) =>
        Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(json), textDoc)?.index ?? null;
      const a = resolve(selection.anchor);
      const b = resolve(selection.head);
      if (a === null || b === null) continue;
      out.push({
        clientId,
        name: who.name ?? '?',
        colour: userColour(who.id),
        start: Math.min(a, b),
        end: Math.max(a, b),
      });
    }
    return out;
  }, [states, textDoc, awareness, transcript.text]);

  const [details, setDetails] = useState<{ ids: string[]; anchor: DOMRect } | null>(null);
  const pending = useMemo(() => (picker ? { start: picker.start, end: picker.end } : null), [picker]);

  const reader = useRef<ReaderHandle | null>(null);
  // The last code applied, for quick repeat (R or .) on the next selection.
  const [lastCode, setLastCode] = useState<string | null>(null);

  const onSelect = useCallback(
    (selection: Selection) => {
      if (canCode) setPicker(selection);
    },
    [canCode],
  );
  const pickerNow = useRef(picker);
  pickerNow.current = picker;
  /**
   * Closes the picker; after a code is applied or Escape the keyboard focus goes back to the turn the passage
   * starts in (never to the page), so that the next selection and digit follow at once.
   */
  const closePicker = useCallback((restoreFocus = true) => {
    const was = pickerNow.current;
    setPicker(null);
    window.getSelection()?.removeAllRanges();
    if (was && restoreFocus) reader.current?.focusOffset(was.start);
  }, []);
  const code = useCallback(
    (range: { start: number; end: number }, codeId: string) => {
      if (!ownOpen || !textDoc || !canCode) return;
      local(ownOpen.doc, () => addCoding(ownOpen.doc, textDoc, { code: codeId, start: range.start, end: range.end }));
      setLastCode(codeId);
    },
    [ownOpen, textDoc, canCode],
  );
  const apply = useCallback(
    (codeId: string, keepOpen = false) => {
      if (!picker) return;
      code(picker, codeId);
      if (!keepOpen) closePicker();
    },
    [picker, code, closePicker],
  );
  /** A digit (slot 0-8) or quick repeat (slot null) pressed in the text: codes the passage without the picker. */
  const quickCode = useCallback(
    (range: { start: number; end: number }, slot: number | null) => {
      const codeId = slot === null ? lastCode : shortcuts[slot];
      if (codeId && codebook.byId.has(codeId)) {
        code(range, codeId);
        window.getSelection()?.removeAllRanges();
        reader.current?.focusOffset(range.start);
      }
    },
    [lastCode, shortcuts, codebook.byId, code],
  );
  const createAndApply = useCallback(
    (name: string) => {
      if (!codebookOpen) return;
      const id = local(codebookOpen.doc, () =>
        addCode(codebookOpen.doc, {
          name,
          colour: nextCodeColour(codebook.codes.map((code) => code.colour)),
          order: codebook.codes.filter((code) => code.parent === null).length,
        }),
      );
      apply(id);
    },
    [codebookOpen, codebook.codes, apply],
  );
  // A picker left open while focus went into the codebook panel closes when focus moves on anywhere else.
  useEffect(() => {
    if (!picker) return;
    const onFocusIn = (event: FocusEvent) => {
      const target = event.target as Element;
      if (!target.closest('.picker, .codebook')) closePicker(false);
    };
    document.addEventListener('focusin', onFocusIn);
    return () => document.removeEventListener('focusin', onFocusIn);
  }, [picker, closePicker]);

  const applied = useMemo(
    () =>
      new Set(
        picker
          ? codings
              .filter((c) => c.coder === user.id && c.start === picker.start && c.end === picker.end)
              .map((c) => c.resolvedCode)
          : [],
      ),
    [picker, codings, user.id],
  );

  const onEditText = useCallback(
    (block: Block, before: string, after: string) => {
      if (textDoc) applyCorrection(transcriptText(textDoc), block.start, before, after);
    },
    [textDoc],
  );
  const openCodings = useCallback((ids: string[], anchor: DOMRect) => setDetails({ ids, anchor }), []);

  const otherCoders = members.filter((member) => member.role !== 'viewer' && member.userId !== user.id).length;
  const othersHidden = otherCoders > 0 && layerEntries.every((entry) => entry.coder === user.id);
  const [correcting, setCorrecting] = useState(false);
  const [sideTab, setSideTab] = useState<SideTab>('codebook');

  // The recording (docs/media.md): a player beside the text, its position driving the turn being heard.
  const media = meta.media;
  const [playback] = useState(() => new Playback());
  useEffect(() => playback.setTimes(blocks.map((block) => block.time)), [playback, blocks]);
  usePlayerKeys(media ? playback : null);
  const canManageMedia = project.role === 'owner' && !project.archived;
  const canAlign = canEditText && media !== undefined;
  const [aligning, setAligning] = useState(false);
  // Setting turns' times by hand is undoable like coding (the text itself is not: corrections are not undone).
  useEffect(() => {
    if (textDoc && canEditText) undoHistory.track(textDoc, [transcriptTurns(textDoc)]);
  }, [textDoc, canEditText]);
  const align = useCallback(
    (_block: Block, index: number) => {
      if (textDoc && canEditText) local(textDoc, () => setBlockTime(textDoc, blocks, index, playback.now()));
    },
    [textDoc, canEditText, blocks, playback],
  );
  const turnMedia = useMemo<TurnMedia | null>(
    () => (media ? { playback, aligning: aligning && canAlign, align } : null),
    [media, playback, aligning, canAlign, align],
  );
  // Follow: the turn being heard is scrolled into view when it changes (and when Follow is turned on), unless the
  // coder is choosing a code for a passage.
  const blocksNow = useRef(blocks);
  blocksNow.current = blocks;
  useEffect(() => {
    if (!media) return;
    let shown = -1;
    let following = false;
    return playback.subscribe(() => {
      const { current, follow } = playback.getSnapshot();
      if (current === shown && follow === following) return;
      shown = current;
      following = follow;
      const block = blocksNow.current[current];
      if (follow && block && !pickerNow.current) reader.current?.revealOffset(block.start);
    });
  }, [media, playback]);
  const timeOf = useCallback(
    (coding: LayerCoding) => {
      const span = codingTimes(transcript.turns, coding.start, coding.end);
      return span ? <CodingTime span={span} playback={media ? playback : null} /> : null;
    },
    [transcript.turns, media, playback],
  );

  return (
    <div className="transcript-page">
      <div className="transcript-head">
        <nav aria-label={t('transcript.breadcrumb')} className="crumbs">
          <Link href={href.projects()}>{t('app.projects')}</Link> ›{' '}
          <Link href={href.project(project.id)}>{project.name}</Link> › <span>{meta.title}</span>
        </nav>
        <h1 dir="auto">{meta.title}</h1>
        <dl className="attributes">
          {meta.participant && (
            <div>
              <dt>{t('transcript.participant')}</dt>
              <dd>{meta.participant}</dd>
            </div>
          )}
          {Object.entries(meta.attributes).map(([key, value]) => (
            <div key={key}>
              <dt>{key}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
        <div className="notices" aria-live="polite">
          {!canCode && <p className="notice">{t('transcript.readOnly', { role: t(ROLE_LABEL[project.role]) })}</p>}
          {project.role === 'owner' && textEntry?.access === 'read' && !project.archived && (
            <p className="notice">{t('transcript.textLocked')}</p>
          )}
          {othersHidden && <p className="notice">{t('transcript.othersHidden')}</p>}
        </div>
        <fieldset className="layers">
          <legend>{t('transcript.layers')}</legend>
          {layerEntries.map((entry) => (
            <label key={entry.name}>
              <input
                type="checkbox"
                checked={!hidden.has(entry.coder!)}
                onChange={() =>
                  setHidden((was) => {
                    const next = new Set(was);
                    if (next.has(entry.coder!)) next.delete(entry.coder!);
                    else next.add(entry.coder!);
                    return next;
                  })
                }
              />{' '}
              {entry.coder === user.id
                ? t('transcript.yourCodings')
                : (names.get(entry.coder!) ?? t('transcript.formerMember'))}
            </label>
          ))}
          {layerEntries.length > 1 && (
            <label>
              <input type="checkbox" checked={compare} onChange={() => setCompare((was) => !was)} />{' '}
              {t('transcript.compare')}
            </label>
          )}
        </fieldset>
        <div className="reader-toolbar">
          <UndoControls />
          {canEditText && (
            <button
              type="button"
              className="correct-toggle"
              aria-pressed={correcting}
              onClick={() => setCorrecting((was) => !was)}
            >
              {t(correcting ? 'transcript.doneCorrecting' : 'transcript.correct')}
            </button>
          )}
        </div>
      </div>
      <div className="workspace">
        {textSynced ? (
          <MediaProvider value={turnMedia}>
            <Reader
              text={transcript.text}
              language={meta.language}
              blocks={blocks}
              codings={codings}
              colourOf={colourOf}
              labelOf={labelOf}
              tagOf={tagOf}
              describe={describe}
              stripeLane={stripeLane}
              stripeBase={stripeBase}
              marginWidth={marginWidth}
              pending={pending}
              remote={remote}
              correcting={correcting && canEditText}
              onSelect={onSelect}
              onSelectionChange={setOwnRange}
              onOpenCodings={openCodings}
              onEditText={onEditText}
              onEscape={() => closePicker()}
              onQuickCode={quickCode}
              onDropCode={(codeId) => {
                if (picker) apply(codeId);
                else if (ownRange && ownRange.end > ownRange.start) code(ownRange, codeId);
              }}
              handle={reader}
              jump={jump}
            />
          </MediaProvider>
        ) : (
          <p className="reader loading" aria-busy="true">
            {t('transcript.loading')}
          </p>
        )}
        <ResizablePanel id="reader-side" label={t('transcript.sidePanel')} className="side-panel">
          <MediaPanel
            projectId={project.id}
            transcriptId={meta.id}
            media={media}
            playback={playback}
            canManage={canManageMedia}
            canAlign={canAlign}
            aligning={aligning && canAlign}
            onAligningChange={setAligning}
            timed={blocks.some((block) => block.time !== undefined)}
            onChanged={reload}
          />
          <Tabs className="side-tabs" selectedKey={sideTab} onSelectionChange={(key) => setSideTab(key as SideTab)}>
            <TabList aria-label={t('transcript.sidePanel')}>
              <Tab id="codebook">{t('transcript.tab.codebook')}</Tab>
              <Tab id="memos">{t('transcript.tab.memos')}</Tab>
              <Tab id="online">{t('transcript.tab.online')}</Tab>
            </TabList>
            <TabPanel id="codebook">
              <CodebookPanel
                open={codebookOpen}
                codebook={codebook}
                projectId={project.id}
                canEdit={canEditCodebook}
                canWriteMemos={canWriteMemos}
                counts={shownCounts}
                countScope={t('transcript.countScope')}
                layerDocs={docs.filter((doc) => doc.kind === 'codings').map((doc) => doc.name)}
                shortcuts={shortcuts}
                onAssignShortcut={assignShortcut}
                onApply={picker ? (code) => apply(code) : undefined}
              />
            </TabPanel>
            <TabPanel id="memos">
              <MemoEditor
                project={project.id}
                memo={`t-${meta.id}`}
                label={t('transcript.memo')}
                readOnly={!canWriteMemos}
              />
              <MemoEditor
                project={project.id}
                memo="project"
                label={t('transcript.projectMemo')}
                readOnly={!canWriteMemos}
              />
            </TabPanel>
            <TabPanel id="online">
              <PresenceList codebook={codebookOpen} />
            </TabPanel>
          </Tabs>
        </ResizablePanel>
      </div>
      {picker && (
        <CodePicker
          codebook={codebook}
          shortcuts={shortcuts}
          anchor={picker.anchor}
          excerpt={excerpt(transcript.text, picker.start, picker.end)}
          applied={applied}
          canCreate={canEditCodebook}
          onApply={apply}
          onCreate={createAndApply}
          onClose={closePicker}
        />
      )}
      {details && (
        <CodingDetails
          codings={details.ids.map((id) => codings.find((c) => c.id === id)).filter((c): c is LayerCoding => !!c)}
          codebook={codebook}
          anchor={details.anchor}
          text={transcript.text}
          ownCoder={canCode ? user.id : null}
          coderName={coderName}
          timeOf={timeOf}
          onRemove={(coding) => {
            if (ownOpen) local(ownOpen.doc, () => removeCoding(ownOpen.doc, coding.id));
            if (details.ids.length <= 1) setDetails(null);
          }}
          onRecode={(coding, code) => ownOpen && local(ownOpen.doc, () => recodeCoding(ownOpen.doc, coding.id, code))}
          onMemo={(coding, memo) => ownOpen && local(ownOpen.doc, () => setCodingMemo(ownOpen.doc, coding.id, memo))}
          onClose={() => setDetails(null)}
        />
      )}
    </div>
  );
}

function excerpt(text: string, start: number, end: number): string {
  const passage = text.slice(start, end);
  return passage.length > 120 ? `${passage.slice(0, 60)} … ${passage.slice(-50)}` : passage;
}
