import type { ReactNode } from 'react';
import { Dialog as AriaDialog, Heading, Modal, ModalOverlay } from 'react-aria-components';

export interface DialogProps {
  title: ReactNode;
  children: ReactNode | ((close: () => void) => ReactNode);
  isOpen?: boolean;
  onOpenChange?: (open: boolean) => void;
  /** Escape and a click outside close it (not for questions that must be answered). */
  isDismissable?: boolean;
  /** `alertdialog` for interruptions that need an answer. */
  role?: 'dialog' | 'alertdialog';
  className?: string;
}

/** A modal dialog: focus trapped inside and restored on close, the rest of the page inert, titled by its heading. */
export function Dialog({ title, children, isOpen, onOpenChange, isDismissable = true, role, className }: DialogProps) {
  return (
    <ModalOverlay
      className="ui-overlay"
      isOpen={isOpen}
      onOpenChange={onOpenChange}
      isDismissable={isDismissable}
      isKeyboardDismissDisabled={!isDismissable}
    >
      <Modal className={['ui-modal', className ?? ''].join(' ').trim()}>
        <AriaDialog className="ui-dialog" role={role}>
          {({ close }) => (
            <>
              <Heading slot="title" level={2} className="ui-dialog-title">
                {title}
              </Heading>
              {typeof children === 'function' ? children(close) : children}
            </>
          )}
        </AriaDialog>
      </Modal>
    </ModalOverlay>
  );
}
