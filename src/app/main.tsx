import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { installTestHook } from '../ua/test-hook.js';
import { initTheme } from './theme.js';
import { App } from './App.js';
import { phoneStore } from './store.js';
import './app.css';

installTestHook({
  pc: () => phoneStore.getState().peerConnection(),
  incomingCalls: () => phoneStore.getState().incomingCalls(),
});

initTheme();
void phoneStore.getState().loadServerInfo();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
