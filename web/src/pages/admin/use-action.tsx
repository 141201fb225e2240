import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQueryClient } from '@tanstack/react-query';
import { errorText } from '@web/api/errors';

/**
 * Runs an admin change: shows the server's refusal in words (or the success note), and refreshes
 * the cached lists the change touches.
 */
export function useAction(invalidate: readonly string[][]) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  async function run<T>(work: () => Promise<T>, success?: string): Promise<T | undefined> {
    setBusy(true);
    setMessage(null);
    try {
      const result = await work();
      if (success) setMessage({ ok: true, text: success });
      await Promise.all(invalidate.map((key) => queryClient.invalidateQueries({ queryKey: key })));
      return result;
    } catch (err) {
      setMessage({ ok: false, text: errorText(t, err) });
      return undefined;
    } finally {
      setBusy(false);
    }
  }
  const notice =
    message === null ? null : (
      <p
        role={message.ok ? 'status' : 'alert'}
        className={`notice ${message.ok ? 'notice-ok' : 'notice-error'}`}
      >
        {message.text}
      </p>
    );
  return { run, busy, notice };
}
