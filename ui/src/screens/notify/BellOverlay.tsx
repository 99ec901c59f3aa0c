import type { ReactNode } from 'react';
import { Drawer, Popover } from 'antd';
import { useTranslation } from 'react-i18next';
import InboxPanel from './InboxPanel';

/** BellOverlay opens the inbox from the bell: a popover on a desktop, a full-width drawer on a phone. */
export default function BellOverlay({ phone, open, setOpen, children }: { phone: boolean; open: boolean; setOpen: (v: boolean) => void; children: ReactNode }) {
  const { t } = useTranslation();
  const close = () => setOpen(false);
  const panel = open ? <InboxPanel onClose={close} /> : null;
  if (phone) {
    return (
      <>
        {children}
        <Drawer open={open} onClose={close} placement="right" size="100%" title={t('notify.inbox')} data-testid="notify-drawer"
          styles={{ body: { padding: 0 } }}>{panel}</Drawer>
      </>
    );
  }
  return (
    <Popover open={open} onOpenChange={setOpen} trigger="click" placement="bottomRight" arrow={false}
      styles={{ container: { padding: 0 } }} content={<div style={{ width: 380, maxWidth: 'calc(100vw - 32px)' }} data-testid="notify-popover">{panel}</div>}>
      {children}
    </Popover>
  );
}
