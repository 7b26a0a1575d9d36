import type { ReactNode } from 'react';
import {
  Menu as AriaMenu,
  MenuItem as AriaMenuItem,
  type MenuItemProps,
  MenuTrigger,
  Popover,
  Separator,
} from 'react-aria-components';
import { Button, type ButtonProps } from './Button.js';

export interface MenuButtonProps {
  /** The trigger's content; `label` names it for assistive technology when the content is only an icon or initials. */
  trigger: ReactNode;
  label?: string;
  children: ReactNode;
  variant?: ButtonProps['variant'];
  placement?: 'bottom start' | 'bottom end';
  onAction?: (key: string | number) => void;
}

/** A button that opens a menu (arrow keys, typeahead, Escape back to the button). */
export function MenuButton({
  trigger,
  label,
  children,
  variant = 'quiet',
  placement = 'bottom end',
  onAction,
}: MenuButtonProps) {
  return (
    <MenuTrigger>
      <Button variant={variant} aria-label={label}>
        {trigger}
      </Button>
      <Popover className="ui-popover" placement={placement}>
        <AriaMenu className="ui-menu" onAction={onAction}>
          {children}
        </AriaMenu>
      </Popover>
    </MenuTrigger>
  );
}

export function MenuItem(props: MenuItemProps) {
  return <AriaMenuItem {...props} className="ui-menu-item" />;
}

export function MenuSeparator() {
  return <Separator className="ui-menu-separator" />;
}
