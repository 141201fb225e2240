import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { BroadcastComposer } from '@web/pages/admin/broadcast-section';

/**
 * The wallboard's "message this queue": a modal with the broadcast composer fixed to the queue's
 * members, then their acknowledgements live. Escape or the close button ends it.
 */
export function QueueBroadcastDialog({
  queue,
  onClose,
}: {
  queue: { id: string; name: string };
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="wb-broadcast"
      aria-label={t('admin.broadcast.toQueue', { name: queue.name })}
      onClose={onClose}
    >
      <BroadcastComposer queue={queue} />
      <button type="button" className="btn" onClick={() => ref.current?.close()}>
        {t('wallboard.closeMessage')}
      </button>
    </dialog>
  );
}
