import type { ReactNode } from 'react';
import {
  Button as AriaButton,
  ComboBox as AriaComboBox,
  type ComboBoxProps as AriaComboBoxProps,
  Input,
  Label,
  ListBox,
  ListBoxItem,
  type ListBoxItemProps,
  Popover,
  Text,
} from 'react-aria-components';
import { useT } from '../i18n/index.js';

export interface ComboBoxProps<T extends object> extends Omit<AriaComboBoxProps<T>, 'children'> {
  label: string;
  description?: string;
  children: ReactNode | ((item: T) => ReactNode);
}

/** A labelled combo box: type to filter, arrow keys to choose, the list in a popover. */
export function ComboBox<T extends object>({ label, description, children, ...props }: ComboBoxProps<T>) {
  const t = useT();
  return (
    <AriaComboBox {...props} className="ui-field ui-combobox">
      <Label className="ui-label">{label}</Label>
      <div className="ui-combobox-control">
        <Input className="ui-input" />
        <AriaButton className="ui-combobox-button" aria-label={t('ui.showSuggestions')}>
          <span aria-hidden="true">▾</span>
        </AriaButton>
      </div>
      {description && (
        <Text slot="description" className="ui-description">
          {description}
        </Text>
      )}
      <Popover className="ui-popover">
        <ListBox className="ui-listbox">{children}</ListBox>
      </Popover>
    </AriaComboBox>
  );
}

export function ComboBoxItem(props: ListBoxItemProps) {
  return <ListBoxItem {...props} className="ui-listbox-item" />;
}
