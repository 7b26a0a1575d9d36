import {
  Tab as AriaTab,
  TabList as AriaTabList,
  TabPanel as AriaTabPanel,
  Tabs as AriaTabs,
  type TabListProps,
  type TabPanelProps,
  type TabProps,
  type TabsProps,
} from 'react-aria-components';
import { classes } from './classes.js';

/** React Aria tabs (arrow keys between tabs, one tab stop) with Accord's look. */
export function Tabs(props: TabsProps) {
  return <AriaTabs {...props} className={classes('ui-tabs', props.className)} />;
}

export function TabList<T extends object>(props: TabListProps<T>) {
  return <AriaTabList {...props} className={classes('ui-tab-list', props.className)} />;
}

export function Tab(props: TabProps) {
  return <AriaTab {...props} className={classes('ui-tab', props.className)} />;
}

export function TabPanel(props: TabPanelProps) {
  return <AriaTabPanel {...props} className={classes('ui-tab-panel', props.className)} />;
}
