import type { ReactElement, ReactNode } from 'react';
import { Tooltip as AriaTooltip, TooltipTrigger } from 'react-aria-components';

/** A tooltip on hover and keyboard focus of its (focusable, React Aria) trigger; never the only place information is. */
export function Tooltip({
  content,
  children,
  delay = 500,
}: {
  content: ReactNode;
  children: ReactElement;
  delay?: number;
}) {
  return (
    <TooltipTrigger delay={delay}>
      {children}
      <AriaTooltip className="ui-tooltip" offset={6}>
        {content}
      </AriaTooltip>
    </TooltipTrigger>
  );
}
