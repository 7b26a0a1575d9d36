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

/** React Aria tabs (arrow keys between tabs, one tab stop) with Accord's look. */
export function Tabs(props: TabsProps) {
  return <AriaTabs {...props} className="ui-tabs" />;
}

export function TabList<T extends object>(props: TabListProps<T>) {
  return <AriaTabList {...props} className="ui-tab-list" />;
}

export function Tab(props: TabProps) {
  return <AriaTab {...props} className="ui-tab" />;
}

export function TabPanel(props: TabPanelProps) {
  return <AriaTabPanel {...props} className="ui-tab-panel" />;
}
