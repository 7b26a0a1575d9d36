import type { Key } from 'react-aria-components';
import { Header as MenuHeader, MenuSection } from 'react-aria-components';
import type { User } from '../api.js';
import { navigate } from '../router.js';
import { MenuButton, MenuItem, MenuSeparator } from '../ui/Menu.js';
import { setThemeChoice, type ThemeChoice, useThemeChoice } from '../ui/theme.js';

const THEMES: { id: ThemeChoice; label: string }[] = [
  { id: 'system', label: 'Theme: system' },
  { id: 'light', label: 'Theme: light' },
  { id: 'dark', label: 'Theme: dark' },
];

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts.length > 1 ? (parts.at(-1)?.[0] ?? '') : '')).toUpperCase();
}

/** The header's user menu: who is signed in, the colour theme (remembered in this browser), signing out. */
export function UserMenu({ user, onSignOut }: { user: User; onSignOut: () => void }) {
  const theme = useThemeChoice();
  const onAction = (key: Key) => {
    if (key === 'sign-out') onSignOut();
    else if (key === 'accounts') navigate('/admin/accounts');
    else if (typeof key === 'string' && key.startsWith('theme-')) setThemeChoice(key.slice(6) as ThemeChoice);
  };
  return (
    <MenuButton
      trigger={
        <span className="user-menu-trigger">
          <span className="user-initials" aria-hidden="true">
            {initials(user.name)}
          </span>
          <span className="visually-hidden">Account: </span>
          <span className="who">{user.name}</span>
        </span>
      }
      onAction={onAction}
    >
      <MenuSection className="ui-menu-section">
        <MenuHeader className="ui-menu-heading">{user.email}</MenuHeader>
      </MenuSection>
      <MenuSeparator />
      <MenuSection selectionMode="single" selectedKeys={[`theme-${theme}`]} className="ui-menu-section">
        {THEMES.map(({ id, label }) => (
          <MenuItem key={id} id={`theme-${id}`}>
            {label}
          </MenuItem>
        ))}
      </MenuSection>
      <MenuSeparator />
      {user.admin && <MenuItem id="accounts">Accounts</MenuItem>}
      <MenuItem id="sign-out">Sign out</MenuItem>
    </MenuButton>
  );
}
