import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { installTestHook } from '../ua/index.js';
import { App } from './App.js';
import { phoneStore } from './store.js';
import './app.css';

installTestHook({
  pc: () => phoneStore.getState().peerConnection(),
  incomingCalls: () => phoneStore.getState().incomingCalls(),
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
