import { Button as AriaButton, type ButtonProps as AriaButtonProps, composeRenderProps } from 'react-aria-components';

export type ButtonVariant = 'primary' | 'secondary' | 'quiet' | 'danger';
export type ButtonSize = 'sm' | 'md';

export interface ButtonProps extends AriaButtonProps {
  variant?: ButtonVariant;
  size?: ButtonSize;
}

/** React Aria's button (press events, focus ring only for keyboard) in Accord's four variants. */
export function Button({ variant = 'secondary', size = 'md', className, ...props }: ButtonProps) {
  return (
    <AriaButton
      {...props}
      className={composeRenderProps(className, (extra) =>
        ['ui-button', `ui-button-${variant}`, size === 'sm' ? 'ui-button-sm' : '', extra ?? '']
          .filter(Boolean)
          .join(' '),
      )}
    />
  );
}
