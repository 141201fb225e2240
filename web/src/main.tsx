import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@web/i18n';
import '@web/styles.css';
import { App } from '@web/app';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
