import type { Key } from 'react-aria-components';
import { Header as MenuHeader, MenuSection } from 'react-aria-components';
import { api, type User } from '../api.js';
import { browserLocale, LOCALES, type MessageId, msg, setLocaleChoice, useLocaleChoice, useT } from '../i18n/index.js';
import { navigate } from '../router.js';
import { href } from '../routes.js';
import { MenuButton, MenuItem, MenuSeparator } from '../ui/Menu.js';
import { setThemeChoice, type ThemeChoice, useThemeChoice } from '../ui/theme.js';

const THEMES: { id: ThemeChoice; label: MessageId }[] = [
  { id: 'system', label: msg('userMenu.themeSystem') },
  { id: 'light', label: msg('userMenu.themeLight') },
  { id: 'dark', label: msg('userMenu.themeDark') },
];

const BROWSER = 'lang-browser';
const languageName = (tag: string) => LOCALES.find((entry) => entry.tag === tag)?.name ?? tag;

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts.length > 1 ? (parts.at(-1)?.[0] ?? '') : '')).toUpperCase();
}

/**
 * The interface language of this account: applied and cached in this browser at once, and saved on the account so
 * that other browsers start in it (docs/i18n.md). If saving fails (offline), this browser keeps the choice; the
 * account's saved language wins again at the next sign-in.
 */
function chooseLocale(tag: string | null): void {
  const chosen = setLocaleChoice(tag);
  api.changeProfile({ locale: chosen }).catch((error: unknown) => {
    console.warn('the interface language was not saved on the account', error);
  });
}

/**
 * The header's user menu: who is signed in, with their own account's page (name, password) and, for administrators,
 * everyone's; the interface language (saved on the account, cached in this browser; the browser's by default), the
 * colour theme (remembered in this browser), signing out.
 */
export function UserMenu({ user, onSignOut }: { user: User; onSignOut: () => void }) {
  const theme = useThemeChoice();
  const locale = useLocaleChoice();
  const t = useT();
  const onAction = (key: Key) => {
    if (key === 'sign-out') onSignOut();
    else if (key === 'account') navigate(href.account());
    else if (key === 'accounts') navigate(href.accounts());
    else if (key === BROWSER) chooseLocale(null);
    else if (typeof key === 'string' && key.startsWith('lang-')) chooseLocale(key.slice(5));
    else if (typeof key === 'string' && key.startsWith('theme-')) setThemeChoice(key.slice(6) as ThemeChoice);
  };
  const browser = browserLocale();
  return (
    <MenuButton
      trigger={
        <span className="user-menu-trigger">
          <span className="user-initials" aria-hidden="true">
            {initials(user.name)}
          </span>
          <span className="visually-hidden">{t('userMenu.account')}</span>
          <span className="who">{user.name}</span>
        </span>
      }
      onAction={onAction}
    >
      <MenuSection className="ui-menu-section">
        <MenuHeader className="ui-menu-heading">{user.email}</MenuHeader>
        <MenuItem id="account">{t('userMenu.yourAccount')}</MenuItem>
        {user.admin && <MenuItem id="accounts">{t('userMenu.accounts')}</MenuItem>}
      </MenuSection>
      <MenuSeparator />
      <MenuSection
        selectionMode="single"
        selectedKeys={[locale === null ? BROWSER : `lang-${locale}`]}
        className="ui-menu-section"
      >
        <MenuItem id={BROWSER}>{t('userMenu.languageBrowser', { name: languageName(browser) })}</MenuItem>
        {LOCALES.map(({ tag, name }) => (
          <MenuItem key={tag} id={`lang-${tag}`}>
            {t('userMenu.language', { name })}
          </MenuItem>
        ))}
      </MenuSection>
      <MenuSeparator />
      <MenuSection selectionMode="single" selectedKeys={[`theme-${theme}`]} className="ui-menu-section">
        {THEMES.map(({ id, label }) => (
          <MenuItem key={id} id={`theme-${id}`}>
            {t(label)}
          </MenuItem>
        ))}
      </MenuSection>
      <MenuSeparator />
      <MenuItem id="sign-out">{t('userMenu.signOut')}</MenuItem>
    </MenuButton>
  );
}
