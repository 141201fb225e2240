import { useEffect, useRef } from 'react';
import type { ReactNode } from 'react';

/**
 * A native modal dialog: focus stays inside, Esc closes it, the page behind is inert; the control
 * marked `data-autofocus` gets the focus.
 */
export function Modal({
  title,
  onClose,
  children,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    // React does not render `autofocus`, and showModal() would focus the first control instead.
    dialog?.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="planner-dialog"
      aria-label={title}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <header className="card-head">
        <h3>{title}</h3>
      </header>
      {children}
    </dialog>
  );
}
