import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from '@web/i18n/en';
import { ru } from '@web/i18n/ru';
import { supervisionEn } from '@web/i18n/supervision.en';
import { supervisionRu } from '@web/i18n/supervision.ru';

export const LANGUAGES = ['en', 'ru'] as const;
export type Language = (typeof LANGUAGES)[number];
const KEY = 'switchboard.language';

/** Keys asked for that a catalogue lacks; the browser tests fail when this is not empty. */
export const missingKeys: string[] = [];
declare global {
  interface Window {
    __switchboardMissingKeys?: string[];
  }
}
window.__switchboardMissingKeys = missingKeys;

function initialLanguage(): Language {
  const saved = localStorage.getItem(KEY);
  if (saved === 'en' || saved === 'ru') return saved;
  return navigator.language.toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

export function setLanguage(language: Language): void {
  localStorage.setItem(KEY, language);
  void i18next.changeLanguage(language);
}

void i18next.use(initReactI18next).init({
  resources: {
    en: { translation: { ...en, ...supervisionEn } },
    ru: { translation: { ...ru, ...supervisionRu } },
  },
  lng: initialLanguage(),
  // No fallback: a key missing in one language must show up as missing, not as English.
  fallbackLng: false,
  interpolation: { escapeValue: false },
  returnNull: false,
  saveMissing: true,
  missingKeyHandler: (languages, _namespace, key) => {
    const entry = `${languages.join(',')}:${key}`;
    if (!missingKeys.includes(entry)) missingKeys.push(entry);
    console.error(`missing translation ${entry}`);
  },
});

i18next.on('languageChanged', (language) => {
  document.documentElement.lang = language;
});
document.documentElement.lang = i18next.language;

export { i18next };
