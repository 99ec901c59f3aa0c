import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Alert, App as AntApp, Badge, Breadcrumb, Button, Card, Col, Empty, Form, Input, Modal, Popconfirm, Row, Segmented, Space, Spin, Tabs, Tag, Tooltip, Typography } from 'antd';
import { CopyOutlined, DeleteOutlined, EyeOutlined, HistoryOutlined, HolderOutlined, PlusOutlined, RocketOutlined, SaveOutlined } from '@ant-design/icons';
import {
  DndContext, DragOverlay, KeyboardSensor, PointerSensor, closestCenter, useDraggable, useDroppable, useSensor, useSensors,
  type DragEndEvent, type DragStartEvent,
} from '@dnd-kit/core';
import { SortableContext, arrayMove, rectSortingStrategy, sortableKeyboardCoordinates, useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { Link, useBlocker, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../api/client';
import type { Definition, FieldDef, FieldType, Form as FormT } from '../../api/types';
import { COMPUTED, FIELD_GROUPS } from '../../fields/catalog';
import { DirectoryProvider } from '../../fields/directory';
import { FieldInput } from '../../fields/FieldInput';
import { FormRenderer } from '../../fields/FormRenderer';
import { errorText } from '../../util/errors';
import { serverCheck } from './ExpressionInput';
import { addField, duplicateField, fieldIndexOfPath, keyProblem, removeField, updateField } from './model';
import { PropertyPanel } from './PropertyPanel';
import { SubmitRules } from './SubmitRules';
import { VersionsDrawer } from './VersionsDrawer';
import { StagesButton } from '../stages/StagesButton';
import { PublicLinkButton } from './PublicLinkButton';

const WIDE = new Set<FieldType>(['textarea', 'richtext', 'subform', 'attachment', 'image', 'address', 'location']);

function PaletteItem({ type, onAdd }: { type: FieldType; onAdd: (t: FieldType) => void }) {
  const { t } = useTranslation();
  const { attributes, listeners, setNodeRef } = useDraggable({ id: `palette:${type}`, data: { palette: type } });
  return (
    <div ref={setNodeRef} {...listeners} {...attributes} className="fl-palette-item" data-testid={`palette-${type}`}
      title={t('designer.paletteHint')}
      onClick={() => onAdd(type)}
      onKeyDown={(e) => {
        // Enter adds at the end; Space starts a keyboard drag (dnd-kit's keyboard sensor).
        if (e.key === 'Enter') { e.preventDefault(); onAdd(type); return; }
        listeners?.onKeyDown?.(e);
      }}>
      <PlusOutlined style={{ fontSize: 11, color: '#999' }} /> {t(`type.${type}`)}
    </div>
  );
}

function CanvasItem({ f, selected, onSelect, onRemove, onDuplicate, cols, error }: {
  f: FieldDef; selected: boolean; onSelect: () => void; onRemove: () => void; onDuplicate: () => void; cols: number; error?: string;
}) {
  const { t } = useTranslation();
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({ id: f.key });
  return (
    <div ref={setNodeRef} style={{ transform: CSS.Transform.toString(transform), transition, opacity: isDragging ? 0.4 : 1 }}
      className={`fl-canvas-item${selected ? ' selected' : ''}${WIDE.has(f.type) && cols > 1 ? ' full' : ''}`}
      onClick={onSelect} data-testid={`canvas-${f.key}`}>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 4 }}>
        <span>
          <HolderOutlined className="fl-drag-handle" {...listeners} {...attributes} aria-label={t('designer.dragToReorder')} />
          <Typography.Text strong>{f.label || f.key}</Typography.Text>
          {f.required && <Typography.Text type="danger"> *</Typography.Text>}
          {' '}<Tag style={{ marginLeft: 4 }}>{t(`type.${f.type}`)}</Tag>
          {f.visibleWhen && <Tooltip title={f.visibleWhen}><Tag color="orange">{t('designer.conditional')}</Tag></Tooltip>}
          {error && <Badge status="error" text={<Typography.Text type="danger" style={{ fontSize: 12 }}>{error}</Typography.Text>} />}
        </span>
        {selected && (
          <Space size={2}>
            <Button size="small" type="text" icon={<CopyOutlined />} aria-label={t('designer.duplicate')} onClick={(e) => { e.stopPropagation(); onDuplicate(); }} />
            <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('common.remove')} data-testid="remove-field" onClick={(e) => { e.stopPropagation(); onRemove(); }} />
          </Space>
        )}
      </Space>
      <div style={{ pointerEvents: 'none' }} aria-hidden>
        {f.type === 'subform'
          ? <Typography.Text type="secondary">{(f.fields ?? []).map((c) => c.label).join(' | ') || t('designer.subformEmpty')}</Typography.Text>
          : COMPUTED.has(f.type) ? <Typography.Text type="secondary">{f.type === 'formula' ? (f.expression || t('designer.noExpression')) : t('fill.computed')}</Typography.Text>
            : <FieldInput field={f} value={f.default} disabled />}
      </div>
    </div>
  );
}

function Canvas({ children, empty }: { children: React.ReactNode; empty: boolean; cols: number }) {
  const { setNodeRef, isOver } = useDroppable({ id: 'canvas' });
  const { t } = useTranslation();
  return (
    <div ref={setNodeRef} className={`fl-canvas${isOver ? ' over' : ''}`} data-testid="canvas">
      {empty ? <Empty description={t('designer.canvasEmpty')} /> : children}
    </div>
  );
}

export default function DesignerPage() {
  const { formId = '' } = useParams();
  return <DirectoryProvider><Designer formId={formId} /></DirectoryProvider>;
}

function Designer({ formId }: { formId: string }) {
  const { t } = useTranslation();
  const { message, modal } = AntApp.useApp();
  const [meta, setMeta] = useState<FormT | null>(null);
  const [def, setDef] = useState<Definition>({ fields: [], columns: 1 });
  const [name, setName] = useState('');
  const [dirty, setDirty] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const [forms, setForms] = useState<FormT[]>([]);
  const [busy, setBusy] = useState<'save' | 'publish' | null>(null);
  const [problems, setProblems] = useState<{ path: string; message: string }[]>([]);
  const [preview, setPreview] = useState(false);
  const [versionsOpen, setVersionsOpen] = useState(false);
  const [versionsKey, setVersionsKey] = useState(0);
  const [dragging, setDragging] = useState<string | null>(null);
  const [tab, setTab] = useState('field');
  const [previewForm] = Form.useForm();
  const defRef = useRef(def);
  defRef.current = def;
  const metaRef = useRef(meta);
  metaRef.current = meta;
  const nameRef = useRef(name);
  nameRef.current = name;
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;
  const lock = useRef<Promise<unknown>>(Promise.resolve());

  useEffect(() => {
    void (async () => {
      try {
        const f = await api.form(formId);
        setMeta(f); setName(f.name);
        setDef({ ...f.draft, fields: f.draft?.fields ?? [], columns: f.draft?.columns || 1 });
        setForms((await api.forms(f.app)).filter((x) => x.id !== formId));
      } catch (e) { message.error(errorText(e)); }
    })();
  }, [formId, message]);

  const blocker = useBlocker(dirty);
  useEffect(() => {
    if (blocker.state === 'blocked') {
      modal.confirm({ title: t('designer.leaveUnsaved'), okText: t('designer.leave'), cancelText: t('common.cancel'),
        onOk: () => blocker.proceed(), onCancel: () => blocker.reset() });
    }
  }, [blocker, modal, t]);
  useEffect(() => {
    const h = (e: BeforeUnloadEvent) => { if (dirty) e.preventDefault(); };
    window.addEventListener('beforeunload', h);
    return () => window.removeEventListener('beforeunload', h);
  }, [dirty]);

  const change = useCallback((d: Definition) => { setDef(d); setDirty(true); }, []);

  // put saves the current design; calls are serialized so versions stay in order.
  const put = useCallback((): Promise<FormT | null> => {
    const run = lock.current.then(async () => {
      const m = metaRef.current;
      if (!m) return null;
      const d = defRef.current;
      const f = await api.saveDraft(formId, { name: nameRef.current, description: m.description, definition: d, version: m.version });
      metaRef.current = f;
      setMeta(f);
      if (defRef.current === d) setDirty(false);
      return f;
    });
    lock.current = run.catch(() => undefined);
    return run;
  }, [formId]);

  // Live expression checks send the design as it is on screen: nothing is saved, nothing waits.
  const check = useMemo(() => serverCheck(formId, () => defRef.current), [formId]);

  const add = (type: FieldType, index?: number) => {
    const r = addField(defRef.current, type, t(`type.${type}`), index);
    change(r.def); setSelected(r.key); setTab('field');
  };

  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const onDragStart = (e: DragStartEvent) => setDragging(String(e.active.id));
  const onDragEnd = (e: DragEndEvent) => {
    setDragging(null);
    const palette = e.active.data.current?.palette as FieldType | undefined;
    const over = e.over?.id ? String(e.over.id) : null;
    if (palette) {
      if (!over) return;
      const idx = over === 'canvas' ? undefined : def.fields.findIndex((f) => f.key === over);
      add(palette, idx);
      return;
    }
    if (over && over !== e.active.id && over !== 'canvas') {
      const from = def.fields.findIndex((f) => f.key === e.active.id);
      const to = def.fields.findIndex((f) => f.key === over);
      change({ ...def, fields: arrayMove(def.fields, from, to) });
    }
  };

  const keyErrors = def.fields.map((f) => keyProblem(f.key, def.fields, f));
  const sel = def.fields.find((f) => f.key === selected) ?? null;
  const problemsByIndex = new Map<number, string>();
  for (const p of problems) { const i = fieldIndexOfPath(p.path); if (i !== null && !problemsByIndex.has(i)) problemsByIndex.set(i, p.message); }

  const save = async (): Promise<FormT | null> => {
    if (!meta) return null;
    if (keyErrors.some(Boolean)) { message.error(t('designer.fixKeys')); return null; }
    setBusy('save');
    try {
      const f = await put();
      setProblems([]);
      message.success(t('designer.saved'));
      return f;
    } catch (e) {
      if (e instanceof ApiError && e.isConflict) message.error(t('designer.draftConflict'));
      else if (e instanceof ApiError && e.fields.length) setProblems(e.fields.map((x) => ({ path: x.path, message: x.message })));
      else message.error(errorText(e));
      return null;
    } finally { setBusy(null); }
  };

  const publish = async () => {
    await lock.current;
    let m = metaRef.current;
    if (dirtyRef.current || !m) m = await save();
    if (!m) return;
    setBusy('publish');
    try {
      const v = await api.publish(formId, m.version);
      message.success(t('designer.published', { n: v.number }));
      setMeta(await api.form(formId));
      setProblems([]);
      setVersionsKey((k) => k + 1);
    } catch (e) {
      if (e instanceof ApiError && e.fields.length) {
        setProblems(e.fields.map((x) => ({ path: x.path, message: x.message })));
        message.error(t('designer.publishProblems'));
      } else message.error(errorText(e));
    } finally { setBusy(null); }
  };

  if (!meta) return <Spin />;
  const cols = def.columns || 1;

  return (
    <DndContext sensors={sensors} collisionDetection={closestCenter} onDragStart={onDragStart} onDragEnd={onDragEnd} onDragCancel={() => setDragging(null)}>
      <Breadcrumb style={{ marginBottom: 12 }} items={[{ title: <Link to="/">{t('nav.apps')}</Link> }, { title: <Link to={`/apps/${meta.app}`}>{t('forms.title')}</Link> }, { title: name }]} />
      <Card size="small" style={{ marginBottom: 12 }}>
        <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
          <Space>
            <Input value={name} onChange={(e) => { setName(e.target.value); setDirty(true); }} style={{ width: 240 }} aria-label={t('forms.name')} data-testid="designer-name" />
            {meta.published ? <Tag color="green">{t('forms.publishedV', { n: meta.published })}</Tag> : <Tag>{t('forms.notPublished')}</Tag>}
            {dirty && <Tag color="orange" data-testid="unsaved">{t('designer.unsaved')}</Tag>}
          </Space>
          <Space wrap>
            <span>{t('designer.columns')}</span>
            <Segmented value={cols} options={[1, 2, 3, 4]} onChange={(v) => change({ ...def, columns: Number(v) })} data-testid="columns" />
            <Button icon={<EyeOutlined />} onClick={() => { previewForm.resetFields(); setPreview(true); }} data-testid="preview">{t('designer.preview')}</Button>
            <Button icon={<HistoryOutlined />} onClick={() => setVersionsOpen(true)} data-testid="versions">{t('designer.versions')}</Button>
            <StagesButton def={def} onChange={change} problems={problems} check={check} />
            <PublicLinkButton formId={formId} def={def} published={meta.published} />
            <Button icon={<SaveOutlined />} loading={busy === 'save'} onClick={() => void save()} data-testid="save-draft">{t('designer.saveDraft')}</Button>
            <Popconfirm title={t('designer.publishConfirm')} okText={t('designer.publish')} cancelText={t('common.cancel')} onConfirm={() => void publish()}>
              <Button type="primary" icon={<RocketOutlined />} loading={busy === 'publish'} data-testid="publish">{t('designer.publish')}</Button>
            </Popconfirm>
            {meta.published > 0 && <Link to={`/forms/${formId}/fill`}>{t('forms.fill')}</Link>}
            {meta.published > 0 && <Link to={`/forms/${formId}/data`}>{t('forms.data')}</Link>}
            <Link to={`/forms/${formId}/automations`} data-testid="designer-automations">{t('automation.nav')}</Link>
          </Space>
        </Space>
      </Card>
      {problems.length > 0 && (
        <Alert type="error" showIcon closable style={{ marginBottom: 12 }} onClose={() => setProblems([])} data-testid="publish-problems"
          title={t('designer.publishProblems')}
          description={<ul style={{ margin: 0, paddingLeft: 18 }}>{problems.map((p, i) => {
            const idx = fieldIndexOfPath(p.path);
            const f = idx !== null ? def.fields[idx] : undefined;
            return <li key={i}>{f ? <a onClick={() => { setSelected(f.key); setTab('field'); }}>{f.label}</a> : <code>{p.path}</code>}: {p.message}</li>;
          })}</ul>} />
      )}
      <Row gutter={12}>
        <Col span={5}>
          <Card size="small" title={t('designer.palette')} styles={{ body: { maxHeight: 'calc(100vh - 250px)', overflow: 'auto' } }}>
            {FIELD_GROUPS.map((g) => (
              <div key={g.group}>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t(`group.${g.group}`)}</Typography.Text>
                <div className="fl-palette-grid">{g.types.map((ty) => <PaletteItem key={ty} type={ty} onAdd={add} />)}</div>
              </div>
            ))}
          </Card>
        </Col>
        <Col span={11}>
          <SortableContext items={def.fields.map((f) => f.key)} strategy={rectSortingStrategy}>
            <Canvas empty={def.fields.length === 0} cols={cols}>
              <div style={{ display: 'grid', gap: 10, gridTemplateColumns: `repeat(${cols}, minmax(0, 1fr))` }}>
                {def.fields.map((f, i) => (
                  <CanvasItem key={f.key + ':' + i} f={f} cols={cols} selected={f.key === selected} onSelect={() => { setSelected(f.key); setTab('field'); }}
                    error={keyErrors[i] ? t(keyErrors[i]!) : problemsByIndex.get(i)}
                    onRemove={() => { change(removeField(def, f.key)); setSelected(null); }}
                    onDuplicate={() => { const r = duplicateField(def, f.key); change(r.def); setSelected(r.key); }} />
                ))}
              </div>
            </Canvas>
          </SortableContext>
        </Col>
        <Col span={8}>
          <Card size="small" styles={{ body: { maxHeight: 'calc(100vh - 250px)', overflow: 'auto' } }}>
            <Tabs activeKey={tab} onChange={setTab} items={[
              { key: 'field', label: t('designer.fieldProps'), children: sel
                ? <PropertyPanel key={def.fields.indexOf(sel)} field={sel} ctx={{ siblings: def.fields, forms, check }}
                    onChange={(p) => { change(updateField(def, sel.key, p)); if (p.key !== undefined) setSelected(p.key); }} />
                : <Empty description={t('designer.selectField')} /> },
              { key: 'form', label: t('designer.formProps'), children: (
                <SubmitRules rules={def.submitRules ?? []} fields={def.fields} check={check}
                  onChange={(submitRules) => change({ ...def, submitRules: submitRules.length ? submitRules : undefined })} />
              ) },
            ]} />
          </Card>
        </Col>
      </Row>
      <DragOverlay>{dragging?.startsWith('palette:') ? <div className="fl-palette-item">{t(`type.${dragging.slice(8)}`)}</div> : null}</DragOverlay>
      <Modal open={preview} onCancel={() => setPreview(false)} footer={null} width={Math.min(360 * cols + 120, 1200)} title={`${t('designer.preview')} · ${name}`} destroyOnHidden>
        <FormRenderer def={def} form={previewForm} />
      </Modal>
      <VersionsDrawer formId={formId} open={versionsOpen} onClose={() => setVersionsOpen(false)} refreshKey={versionsKey} />
    </DndContext>
  );
}
