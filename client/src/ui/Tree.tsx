import type { ReactNode, Ref } from 'react';
import {
  Tree as AriaTree,
  TreeItem as AriaTreeItem,
  Button,
  TreeItemContent,
  type TreeItemContentRenderProps,
  type TreeItemProps,
  type TreeProps,
} from 'react-aria-components';
import { classes } from './classes.js';

/**
 * A React Aria tree (WAI-ARIA treegrid): one tab stop, ↑/↓ and Home/End move, → expands, ← collapses or goes to
 * the parent, typeahead by each item's `textValue`, Enter is the item's action.
 */
export function Tree<T extends object>(props: TreeProps<T> & { ref?: Ref<HTMLDivElement> }) {
  return <AriaTree {...props} className={classes('ui-tree', props.className)} />;
}

export interface TreeRowProps extends Omit<TreeItemProps, 'children'> {
  /** The row's content, given whether it has children and is expanded. */
  content: (state: TreeItemContentRenderProps) => ReactNode;
  /** Nested items (a `Collection` of further `TreeRow`s). */
  children?: ReactNode;
}

/** A tree item: an expand/collapse button (for items with children), the content, then the nested items. */
export function TreeRow({ content, children, ...props }: TreeRowProps) {
  return (
    <AriaTreeItem {...props} className={classes('ui-tree-item', props.className)}>
      <TreeItemContent>
        {(state) => (
          <>
            {state.hasChildItems ? (
              <Button slot="chevron" className="ui-tree-chevron">
                <span aria-hidden="true">{state.isExpanded ? '▾' : '▸'}</span>
              </Button>
            ) : (
              <span className="ui-tree-chevron" aria-hidden="true" />
            )}
            {content(state)}
          </>
        )}
      </TreeItemContent>
      {children}
    </AriaTreeItem>
  );
}
