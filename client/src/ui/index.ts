export { Button, type ButtonProps } from './Button.js';
export { ComboBox, ComboBoxItem } from './ComboBox.js';
export { Dialog } from './Dialog.js';
export { Field, TextField } from './Field.js';
export { MenuButton, MenuItem, MenuSeparator } from './Menu.js';
export { ResizablePanel } from './ResizablePanel.js';
export { Table } from './Table.js';
export { Tab, TabList, TabPanel, Tabs } from './Tabs.js';
export { Tooltip } from './Tooltip.js';
