import { useCallback, useEffect, useState } from 'react';
import { App as AntApp, Button, Card, Descriptions, Empty, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { JobConsumer, JobDeadLetter, JobQueue, JobTaskDeadLetter } from '../../api/types';
import { errorText } from '../../util/errors';
import { usePhone } from '../../util/usePhone';

const stateColor: Record<JobConsumer['state'], string> = { running: 'green', elsewhere: 'blue', idle: 'default' };
const kindColor: Record<JobTaskDeadLetter['kind'], string> = { timer: 'orange', schedule: 'purple', job: 'default' };
const fmt = (s?: string) => (s ? dayjs(s).format('YYYY-MM-DD HH:mm:ss') : '');

/**
 * JobsPage is the admin's "Background work" screen: the outbox consumers
 * with their lag, the queues with their depth, and the workspace's dead
 * letters with retry and discard, and the workspace's failed timers and
 * scheduled jobs (dead tasks), also with retry and discard. On a phone
 * every row is a card.
 */
export default function JobsPage() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const phone = usePhone();
  const [consumers, setConsumers] = useState<JobConsumer[] | null>(null);
  const [queues, setQueues] = useState<JobQueue[] | null>(null);
  const [dead, setDead] = useState<JobDeadLetter[] | null>(null);
  const [tasks, setTasks] = useState<JobTaskDeadLetter[] | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const [c, q, d, k] = await Promise.all([api.jobConsumers(), api.jobQueues(), api.deadLetters(), api.taskDeadLetters()]);
      setConsumers(c); setQueues(q); setDead(d); setTasks(k);
    } catch (e) {
      message.error(errorText(e)); setConsumers((v) => v ?? []); setQueues((v) => v ?? []); setDead((v) => v ?? []); setTasks((v) => v ?? []);
    }
  }, [message]);
  useEffect(() => { void load(); }, [load]);

  const retry = async (d: JobDeadLetter) => {
    setBusy(d.id);
    try {
      const res = await api.retryDeadLetter(d.id);
      if (res.ok) message.success(t('jobs.retried'));
      else message.warning(t('jobs.retryFailed', { error: res.deadLetter?.lastError ?? '' }));
      await load();
    } catch (e) { message.error(errorText(e)); } finally { setBusy(null); }
  };
  const discard = async (d: JobDeadLetter) => {
    setBusy(d.id);
    try { await api.discardDeadLetter(d.id); message.success(t('jobs.discarded')); await load(); } catch (e) { message.error(errorText(e)); } finally { setBusy(null); }
  };

  const retryTask = async (d: JobTaskDeadLetter) => {
    setBusy(d.id);
    try { await api.retryTaskDeadLetter(d.id); message.success(t('jobs.taskQueued')); await load(); } catch (e) { message.error(errorText(e)); } finally { setBusy(null); }
  };
  const discardTask = async (d: JobTaskDeadLetter) => {
    setBusy(d.id);
    try { await api.discardTaskDeadLetter(d.id); message.success(t('jobs.taskDiscarded')); await load(); } catch (e) { message.error(errorText(e)); } finally { setBusy(null); }
  };

  const lag = (c: JobConsumer) => c.lagEvents === 0 ? <Typography.Text type="success">{t('jobs.caughtUp')}</Typography.Text> : (
    <span data-testid="consumer-lag">
      {c.lagCapped ? t('jobs.lagCapped', { count: c.lagEvents }) : t('jobs.lagEvents', { count: c.lagEvents })}
      {' · '}{t('jobs.lagSeconds', { seconds: Math.round(c.lagSeconds) })}
    </span>
  );
  const state = (c: JobConsumer) => <Tag color={stateColor[c.state]}>{t(`jobs.state_${c.state}`)}</Tag>;
  const actions = (d: JobDeadLetter) => (
    <Space wrap>
      <Popconfirm title={t('jobs.retryConfirm', { consumer: d.consumer })} okText={t('jobs.retry')} cancelText={t('common.cancel')} onConfirm={() => retry(d)}>
        <Button size="small" type="primary" loading={busy === d.id} data-testid="dead-letter-retry">{t('jobs.retry')}</Button>
      </Popconfirm>
      <Popconfirm title={t('jobs.discardConfirm', { consumer: d.consumer })} okText={t('jobs.discard')} okButtonProps={{ danger: true }} cancelText={t('common.cancel')} onConfirm={() => discard(d)}>
        <Button size="small" danger disabled={busy === d.id} data-testid="dead-letter-discard">{t('jobs.discard')}</Button>
      </Popconfirm>
    </Space>
  );

  const taskActions = (d: JobTaskDeadLetter) => (
    <Space wrap>
      <Popconfirm title={t('jobs.taskRetryConfirm', { job: d.job })} okText={t('jobs.retry')} cancelText={t('common.cancel')} onConfirm={() => retryTask(d)}>
        <Button size="small" type="primary" loading={busy === d.id} data-testid="task-dead-letter-retry">{t('jobs.retry')}</Button>
      </Popconfirm>
      <Popconfirm title={t('jobs.taskDiscardConfirm', { job: d.job })} okText={t('jobs.discard')} okButtonProps={{ danger: true }} cancelText={t('common.cancel')} onConfirm={() => discardTask(d)}>
        <Button size="small" danger disabled={busy === d.id} data-testid="task-dead-letter-discard">{t('jobs.discard')}</Button>
      </Popconfirm>
    </Space>
  );
  const kind = (d: JobTaskDeadLetter) => <Tag color={kindColor[d.kind]}>{t(`jobs.kind_${d.kind}`)}</Tag>;
  const taskName = (d: JobTaskDeadLetter) => d.timer ?? d.schedule ?? '';
  const when = (d: JobTaskDeadLetter) => fmt(d.kind === 'schedule' ? d.tick : d.dueAt);

  const consumerCols: TableColumnsType<JobConsumer> = [
    { title: t('jobs.name'), dataIndex: 'name', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
    { title: t('jobs.state'), key: 'state', render: (_, c) => state(c) },
    { title: t('jobs.position'), dataIndex: 'position' },
    { title: t('jobs.lag'), key: 'lag', render: (_, c) => lag(c) },
    { title: t('jobs.deadLetters'), dataIndex: 'deadLetters' },
  ];
  const queueCols: TableColumnsType<JobQueue> = [
    { title: t('jobs.name'), dataIndex: 'name', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
    { title: t('jobs.depth'), dataIndex: 'depth' },
  ];
  const deadCols: TableColumnsType<JobDeadLetter> = [
    { title: t('jobs.consumer'), dataIndex: 'consumer' },
    { title: t('jobs.event'), key: 'event', render: (_, d) => <Space orientation="vertical" size={0}><span>{d.eventType}</span><Typography.Text type="secondary" copyable={{ text: d.eventId }}>{d.eventId}</Typography.Text></Space> },
    { title: t('jobs.record'), dataIndex: 'docId' },
    { title: t('jobs.attempts'), dataIndex: 'attempts' },
    { title: t('jobs.lastError'), dataIndex: 'lastError', render: (v: string) => <Typography.Text type="danger" data-testid="dead-letter-error">{v}</Typography.Text> },
    { title: t('jobs.failedAt'), dataIndex: 'failedAt', render: (v?: string) => fmt(v) },
    { title: '', key: 'actions', render: (_, d) => actions(d) },
  ];

  const taskCols: TableColumnsType<JobTaskDeadLetter> = [
    { title: t('jobs.kind'), key: 'kind', render: (_, d) => kind(d) },
    { title: t('jobs.job'), dataIndex: 'job', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
    { title: t('jobs.task'), key: 'task', render: (_, d) => <span style={{ wordBreak: 'break-all' }}>{taskName(d)}</span> },
    { title: t('jobs.dueAt'), key: 'due', render: (_, d) => when(d) },
    { title: t('jobs.attempts'), dataIndex: 'attempts' },
    { title: t('jobs.lastError'), dataIndex: 'lastError', render: (v: string) => <Typography.Text type="danger" data-testid="task-dead-letter-error">{v}</Typography.Text> },
    { title: t('jobs.failedAt'), dataIndex: 'failedAt', render: (v?: string) => fmt(v) },
    { title: '', key: 'actions', render: (_, d) => taskActions(d) },
  ];

  const empty = (text: string) => <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={text} />;
  const cards = <T,>(rows: T[], key: (r: T) => string, body: (r: T) => React.ReactNode, testid: string) => (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {rows.map((r) => <Card size="small" key={key(r)} data-testid={testid}>{body(r)}</Card>)}
    </Space>
  );

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="jobs-page">
      <Card title={t('jobs.title')} extra={<Button icon={<ReloadOutlined />} onClick={() => void load()} data-testid="jobs-refresh">{phone ? null : t('jobs.refresh')}</Button>}>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>{t('jobs.intro')}</Typography.Paragraph>
      </Card>
      <Card title={t('jobs.deadLetters')} size="small">
        {dead === null ? null : dead.length === 0 ? empty(t('jobs.noDeadLetters')) : phone ? cards(dead, (d) => d.id, (d) => (
          <>
            <Descriptions column={1} size="small" items={[
              { key: 'c', label: t('jobs.consumer'), children: d.consumer },
              { key: 'e', label: t('jobs.event'), children: d.eventType },
              { key: 'r', label: t('jobs.record'), children: <span style={{ wordBreak: 'break-all' }}>{d.docId}</span> },
              { key: 'a', label: t('jobs.attempts'), children: d.attempts },
              { key: 'l', label: t('jobs.lastError'), children: <Typography.Text type="danger" data-testid="dead-letter-error" style={{ wordBreak: 'break-word' }}>{d.lastError}</Typography.Text> },
              { key: 'f', label: t('jobs.failedAt'), children: fmt(d.failedAt) },
            ]} />
            <div style={{ marginTop: 8 }}>{actions(d)}</div>
          </>
        ), 'dead-letter') : (
          <Table rowKey="id" size="small" columns={deadCols} dataSource={dead} pagination={false} scroll={{ x: 'max-content' }}
            onRow={() => ({ 'data-testid': 'dead-letter' } as React.HTMLAttributes<HTMLElement>)} />
        )}
      </Card>
      <Card title={t('jobs.tasks')} size="small">
        {tasks === null ? null : tasks.length === 0 ? empty(t('jobs.noTasks')) : phone ? cards(tasks, (d) => d.id, (d) => (
          <>
            <Descriptions column={1} size="small" title={<Typography.Text code>{d.job}</Typography.Text>} extra={kind(d)} items={[
              ...(taskName(d) ? [{ key: 'n', label: t('jobs.task'), children: <span style={{ wordBreak: 'break-all' }}>{taskName(d)}</span> }] : []),
              { key: 'd', label: t('jobs.dueAt'), children: when(d) },
              { key: 'a', label: t('jobs.attempts'), children: d.attempts },
              { key: 'l', label: t('jobs.lastError'), children: <Typography.Text type="danger" data-testid="task-dead-letter-error" style={{ wordBreak: 'break-word' }}>{d.lastError}</Typography.Text> },
              { key: 'f', label: t('jobs.failedAt'), children: fmt(d.failedAt) },
            ]} />
            <div style={{ marginTop: 8 }}>{taskActions(d)}</div>
          </>
        ), 'task-dead-letter') : (
          <Table rowKey="id" size="small" columns={taskCols} dataSource={tasks} pagination={false} scroll={{ x: 'max-content' }}
            onRow={() => ({ 'data-testid': 'task-dead-letter' } as React.HTMLAttributes<HTMLElement>)} />
        )}
      </Card>
      <Card title={t('jobs.consumers')} size="small">
        {consumers === null ? null : consumers.length === 0 ? empty(t('jobs.noConsumers')) : phone ? cards(consumers, (c) => c.name, (c) => (
          <Descriptions column={1} size="small" title={<Typography.Text code>{c.name}</Typography.Text>} extra={state(c)} items={[
            { key: 'p', label: t('jobs.position'), children: c.position },
            { key: 'l', label: t('jobs.lag'), children: lag(c) },
            { key: 'd', label: t('jobs.deadLetters'), children: c.deadLetters ?? 0 },
          ]} />
        ), 'consumer') : (
          <Table rowKey="name" size="small" columns={consumerCols} dataSource={consumers} pagination={false} scroll={{ x: 'max-content' }}
            onRow={() => ({ 'data-testid': 'consumer' } as React.HTMLAttributes<HTMLElement>)} />
        )}
      </Card>
      <Card title={t('jobs.queues')} size="small">
        {queues === null ? null : queues.length === 0 ? empty(t('jobs.noQueues')) : (
          <Table rowKey="name" size="small" columns={queueCols} dataSource={queues} pagination={false} scroll={{ x: 'max-content' }} />
        )}
      </Card>
    </Space>
  );
}
