import type { CSSProperties, ReactNode } from 'react';

/** The player's icons: inline SVG in the text colour, hidden from assistive technology (the buttons are named). */
function Icon({ children, style }: { children: ReactNode; style?: CSSProperties }) {
  return (
    <svg width={16} height={16} viewBox="0 0 16 16" aria-hidden="true" focusable="false" style={style}>
      {children}
    </svg>
  );
}

export const PlayIcon = () => (
  <Icon>
    <path d="M4 2.5v11l9-5.5z" fill="currentColor" />
  </Icon>
);

export const PauseIcon = () => (
  <Icon>
    <path d="M3.5 2.5h3v11h-3zM9.5 2.5h3v11h-3z" fill="currentColor" />
  </Icon>
);

/** A counter-clockwise arrow (back) or, mirrored, a clockwise one (forward). */
export const SkipIcon = ({ forward = false }: { forward?: boolean }) => (
  <Icon style={forward ? { transform: 'scaleX(-1)' } : undefined}>
    <path d="M8 3a5 5 0 1 1-4.6 3" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
    <path d="M2.2 2.2 3.4 6.4 7.4 5.2z" fill="currentColor" />
  </Icon>
);

export const FollowIcon = () => (
  <Icon>
    <path d="M2 4h12M2 8h8M2 12h12" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
    <path d="M11.5 6 14.5 8l-3 2z" fill="currentColor" />
  </Icon>
);
