import {
  ListBox as AriaListBox,
  ListBoxItem as AriaListBoxItem,
  type ListBoxItemProps,
  type ListBoxProps,
} from 'react-aria-components';
import { classes } from './classes.js';

/**
 * A React Aria list box (arrow keys, Home/End, typeahead). Inside `Autocomplete` it takes its keys from the text
 * field, with the highlighted option as the field's active descendant.
 */
export function ListBox<T extends object>(props: ListBoxProps<T>) {
  return <AriaListBox {...props} className={classes('ui-listbox', props.className)} />;
}

export function ListBoxItem<T extends object>(props: ListBoxItemProps<T>) {
  return <AriaListBoxItem {...props} className={classes('ui-listbox-item', props.className)} />;
}
