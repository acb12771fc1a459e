import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';

export type Theme = 'system' | 'light' | 'dark';

const KEY = 'keyhop.theme';

function stored(): Theme {
  try {
    const v = window.localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

function apply(theme: Theme): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

interface ThemeState {
  theme: Theme;
  setTheme(theme: Theme): void;
}

/** The colour theme: the system's, or one the person chose (remembered on this device). */
export const themeStore = createStore<ThemeState>()((set) => ({
  theme: 'system',
  setTheme(theme) {
    apply(theme);
    try {
      window.localStorage.setItem(KEY, theme);
    } catch {
      // Remembering is only a convenience.
    }
    set({ theme });
  },
}));

/** Applies the remembered theme before the first render, so the page does not flash. */
export function initTheme(): void {
  const theme = stored();
  apply(theme);
  themeStore.setState({ theme });
}

export function useTheme<T>(selector: (s: ThemeState) => T): T {
  return useStore(themeStore, selector);
}
